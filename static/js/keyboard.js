/* Keyboard review: j/k move between links, c/r/e decide, n note, o/Enter open, ? help. */
(function () {
  "use strict";
  var current = null;

  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-link]")); }

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
  }

  function select(el) {
    if (!el) return;
    unsay();
    if (current) current.classList.remove("is-current");
    current = el;
    el.classList.add("is-current");
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function currentItem() {
    var list = items();
    if (current && document.body.contains(current)) return current;
    // The row may have been re-rendered: find it again by its link id.
    if (current) {
      var again = document.querySelector('[data-link="' + current.dataset.link + '"]');
      if (again) { current = again; return again; }
    }
    var focused = document.activeElement && document.activeElement.closest ? document.activeElement.closest("[data-link]") : null;
    return focused || null;
  }

  function move(step) {
    var list = items();
    if (!list.length) return;
    var here = currentItem();
    var index = here ? list.indexOf(here) : -1;
    var next = index === -1 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + step));
    select(list[next]);
  }

  /* A hint from the keyboard goes away as soon as the reviewer moves or decides. */
  var hint = null;

  function say(text) {
    var region = document.getElementById("flash");
    if (!region) return;
    hint = document.createElement("p");
    hint.className = "message";
    hint.textContent = text;
    region.replaceChildren(hint);
  }

  function unsay() {
    if (hint && hint.parentNode) hint.parentNode.removeChild(hint);
    hint = null;
  }

  function decide(verdict) {
    var here = currentItem() || (items().length === 1 ? items()[0] : null);
    if (!here) {
      if (items().length) say("Select a link first: press j (next) or k (previous).");
      return;
    }
    var button = here.querySelector('button[data-verdict="' + verdict + '"]');
    if (button) { unsay(); button.click(); }
    else if (String(here.dataset.link).indexOf("chain-") === 0) say("Press o to open the chain and decide it there.");
    else say("Your role can read this link but not decide it.");
  }

  function note() {
    var here = currentItem();
    var field = here ? here.querySelector("[data-decision-note]") : null;
    // A queue row decides with its buttons alone: the note field is on the link's own page.
    if (!field && here && here.querySelector("a.row-title")) { open(); return; }
    if (!field) field = document.querySelector("[data-note-body]");
    if (field) { field.focus(); }
  }

  function open() {
    var here = currentItem();
    if (!here) return;
    var link = here.querySelector("a.row-title") || here.querySelector("h3 a:last-of-type");
    if (link) window.location.href = link.href;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var dialog = document.getElementById("keyboard-help");
    if (dialog && dialog.open) return;
    var key = event.key;
    var handled = true;
    if (key === "j") move(1);
    else if (key === "k") move(-1);
    else if (key === "c") decide("confirmed");
    else if (key === "r") decide("rejected");
    else if (key === "e") decide("needs_evidence");
    else if (key === "n") note();
    else if (key === "o" || (key === "Enter" && event.target.matches && event.target.matches("[data-link]"))) open();
    else if (key === "?") { if (dialog && dialog.showModal) dialog.showModal(); }
    else handled = false;
    if (handled) event.preventDefault();
  });

  /* Keep the selection on the link whose decision block was just swapped in. */
  document.addEventListener("htmx:afterSwap", function (event) {
    if (current && !document.body.contains(current)) {
      var again = document.querySelector('[data-link="' + current.dataset.link + '"]');
      if (again) select(again);
    }
  });
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("[data-link]");
    if (row) { if (current) current.classList.remove("is-current"); current = row; row.classList.add("is-current"); }
  });
})();
