/* The page's widgets speak its language: select2 and the date picker take the locale
   loaded just before this script (its data-lang; app/templates/dossier/layout.html).
   Run before FAB's ab.js builds the widgets (on document ready), so every one gets it. */
(function ($) {
  var script = document.currentScript;
  var lang = script && script.getAttribute("data-lang");
  if (!lang) { return; }
  if ($.fn.select2 && $.fn.select2.defaults) { $.fn.select2.defaults.set("language", lang); }
  if ($.fn.datepicker && $.fn.datepicker.dates[lang]) { $.fn.datepicker.defaults.language = lang; }
}(jQuery));
