/* Accessible names (GB/T 37668-2019, WCAG 2.1 1.3.1 and 4.1.2) for what FAB's widgets draw
 * without one.
 *
 * select2 hides the labelled <select> and draws its own textbox and search field, which
 * the field's <label> does not name: each gets the label's text as aria-label. Widgets
 * appear on page load, after an AJAX answer (FAB's related fields) and when a dropdown
 * opens, so every new select2 container is labelled as it enters the page.
 *
 * A table row's selection checkbox (FAB's lists, the review queues) is named after its row,
 * the header's after all rows, in the words the page gives this script (data-select-row,
 * data-select-all: the user's language).
 */
(function () {
  "use strict";

  var words = (document.currentScript || {}).dataset || {};

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

  function rowText(row, own) {
    if (!row) { return ""; }
    var cells = row.querySelectorAll("td, th");
    for (var i = 0; i < cells.length; i++) {
      var text = cells[i] === own ? "" : cells[i].textContent.replace(/\s+/g, " ").trim();
      if (text) { return text.slice(0, 60); }
    }
    return "";
  }

  function nameCheckboxes() {
    document.querySelectorAll("table input[type=checkbox]").forEach(function (box) {
      if ((box.labels && box.labels.length) || box.hasAttribute("aria-label") || box.hasAttribute("aria-labelledby")) {
        return;
      }
      var cell = box.closest("td, th");
      if (cell && (cell.tagName === "TH" || cell.closest("thead"))) {
        box.setAttribute("aria-label", words.selectAll || "");
        return;
      }
      box.setAttribute("aria-label", ((words.selectRow || "") + " " + rowText(box.closest("tr"), cell)).trim());
    });
  }

  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.setTimeout(function () { pending = false; nameAll(); nameCheckboxes(); }, 0);
  }

  function start() {
    nameAll();
    nameCheckboxes();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
