// Drag and drop for the upload form: dropped files go into the real <input type="file">, so the
// form posts exactly as it does without JavaScript.
(function () {
  "use strict";
  function listFiles(list, files) {
    if (!list) return;
    list.textContent = "";
    Array.prototype.forEach.call(files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name + " (" + Math.max(1, Math.round(file.size / 1024)) + " KB)";
      list.appendChild(item);
    });
  }
  function setup(zone) {
    var input = zone.querySelector('input[type="file"]');
    var list = zone.querySelector("[data-dropzone-list]");
    if (!input) return;
    zone.classList.add("dropzone-ready");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-over");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      input.files = event.dataTransfer.files;
      listFiles(list, input.files);
    });
    input.addEventListener("change", function () { listFiles(list, input.files); });
  }
  function init() {
    document.querySelectorAll("[data-dropzone]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
