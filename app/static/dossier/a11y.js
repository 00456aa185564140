/* Accessible names for select2 widgets (GB/T 37668-2019, WCAG 2.1 4.1.2).
 *
 * select2 hides the labelled <select> and draws its own textbox and search field, which
 * the field's <label> does not name. Each gets the label's text as aria-label. Widgets
 * appear on page load, after an AJAX answer (FAB's related fields) and when a dropdown
 * opens, so every new select2 container is labelled as it enters the page.
 */
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      var copy = label.cloneNode(true);
      // The required mark (*) is not part of the field's name.
      copy.querySelectorAll("strong").forEach(function (mark) { mark.remove(); });
      var text = copy.textContent.trim();
      if (text) { return text; }
    }
    return select.getAttribute("aria-label") || select.getAttribute("title") || select.name || "";
  }

  function nameContainer(select, container) {
    var name = labelOf(select);
    if (!name || !container) { return; }
    container.querySelectorAll(".select2-selection__rendered, .select2-search__field").forEach(function (el) {
      el.setAttribute("aria-label", name);
    });
  }

  function nameAll() {
    document.querySelectorAll("select.select2-hidden-accessible").forEach(function (select) {
      var container = select.nextElementSibling;
      if (container && container.classList.contains("select2-container")) {
        nameContainer(select, container);
      }
    });
    // An open dropdown (drawn at the end of the page) searches the select whose widget is open.
    var search = document.querySelector(".select2-dropdown .select2-search__field");
    var owner = document.querySelector(".select2.select2-container--open");
    var select = owner && owner.previousElementSibling;
    if (search && select && select.tagName === "SELECT") { search.setAttribute("aria-label", labelOf(select)); }
  }

  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; nameAll(); }, 0);
  }

  function start() {
    nameAll();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
