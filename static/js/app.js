/* Provenance: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Character offset of (node, offset) inside container, counting text exactly as textContent does. */
  function offsetWithin(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function annotatableOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest("[data-annotatable]") : null;
  }

  function noteForm() { return document.querySelector("[data-note-form]"); }

  function fillSpan(form, articleId, start, end, quote) {
    var startInput = form.querySelector("[data-span-start]");
    var endInput = form.querySelector("[data-span-end]");
    var quoteInput = form.querySelector("[data-span-quote]");
    var articleInput = form.querySelector("input[name=article]");
    var fields = form.querySelector("[data-span-fields]");
    var hint = form.querySelector("[data-span-hint]");
    if (startInput) startInput.value = start === null ? "" : start;
    if (endInput) endInput.value = end === null ? "" : end;
    if (quoteInput) quoteInput.value = quote || "";
    if (articleInput && articleId !== null) {
      if (!articleInput.dataset.original) articleInput.dataset.original = articleInput.value || "";
      articleInput.value = articleId;
    }
    if (fields) fields.classList.toggle("has-selection", start !== null);
    if (hint) {
      if (!hint.dataset.original) hint.dataset.original = hint.textContent;
      hint.textContent = start === null ? hint.dataset.original
        : "Noting characters " + start + "–" + end + ": “" + (quote.length > 80 ? quote.slice(0, 79) + "…" : quote) + "”";
    }
  }

  function clearSpan(form) {
    var articleInput = form.querySelector("input[name=article]");
    fillSpan(form, null, null, null, "");
    if (articleInput && articleInput.dataset.original !== undefined) articleInput.value = articleInput.dataset.original;
  }

  /* Selecting text inside an annotatable container fills the note form with its offsets. */
  document.addEventListener("mouseup", captureSelection);
  document.addEventListener("keyup", function (event) { if (event.shiftKey) captureSelection(); });

  function captureSelection() {
    var form = noteForm();
    var selection = window.getSelection();
    if (!form || !selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    var container = annotatableOf(range.startContainer);
    if (!container || container !== annotatableOf(range.endContainer)) return;
    var base = parseInt(container.dataset.offset || "0", 10);
    var start = base + offsetWithin(container, range.startContainer, range.startOffset);
    var end = base + offsetWithin(container, range.endContainer, range.endOffset);
    if (end <= start) return;
    fillSpan(form, parseInt(container.dataset.article, 10), start, end, range.toString());
  }

  document.addEventListener("click", function (event) {
    var clear = event.target.closest("[data-span-clear]");
    if (clear) { clearSpan(clear.closest("form")); }
    var help = event.target.closest("[data-keyboard-help]");
    if (help) {
      var dialog = document.getElementById("keyboard-help");
      if (dialog && dialog.showModal) dialog.showModal();
    }
  });

  /* After a note is saved through htmx: empty the form and drop the "no notes" line. */
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("[data-note-form]")) return;
    if (event.detail.xhr && event.detail.xhr.status >= 200 && event.detail.xhr.status < 300) {
      form.querySelector("[data-note-body]").value = "";
      clearSpan(form);
      var errors = form.querySelector("#note-errors");
      if (errors) errors.innerHTML = "";
      document.querySelectorAll(".notes-empty").forEach(function (el) { el.remove(); });
    }
  });

  /* A request htmx does not swap (403, 500, network): tell the user in the live region. */
  function flash(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message message-error";
    p.textContent = text;
    region.replaceChildren(p);
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    flash(status === 403 ? "You are not allowed to do that." : "Something went wrong (" + status + "). Reload the page and try again.");
  });
  document.addEventListener("htmx:sendError", function () { flash("The server could not be reached. Check your connection."); });
})();
