// nivaran — the little JavaScript the pages use: typeahead keys, keyboard
// shortcuts and printing. Every form also works without it.
(function () {
  "use strict";

  // Typeahead: the input (role=combobox) fetches its options with htmx; this
  // moves the active option with the arrow keys and picks it with Enter or Tab.
  function listFor(input) { return document.getElementById(input.getAttribute("aria-controls")); }
  function options(list) { return Array.prototype.slice.call(list.querySelectorAll("li[data-value]")); }
  function setActive(input, list, i) {
    var opts = options(list);
    opts.forEach(function (o, j) { o.classList.toggle("active", j === i); o.setAttribute("aria-selected", j === i ? "true" : "false"); });
    if (opts[i]) { input.setAttribute("aria-activedescendant", opts[i].id); opts[i].scrollIntoView({ block: "nearest" }); }
  }
  function activeIndex(list) { return options(list).findIndex(function (o) { return o.classList.contains("active"); }); }
  function choose(input, li) {
    var box = input.closest(".ta");
    var hidden = box.querySelector("input[type=hidden][name$='_id']");
    input.value = li.getAttribute("data-label");
    hidden.value = li.getAttribute("data-value");
    var sub = li.querySelector(".o-sub");
    var path = box.querySelector("[data-path]");
    if (path) {
      path.textContent = sub ? sub.textContent : "";
      var ph = box.querySelector("input[name=area_path]");
      if (ph) { ph.value = path.textContent; }
    }
    listFor(input).innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-invalid");
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    var form = input.form;
    if (form) { form.dispatchEvent(new CustomEvent("picked", { bubbles: true })); }
    // Move on to the next field: one key less for the agent.
    var fields = form ? Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden]), textarea, select, button")) : [];
    var next = fields[fields.indexOf(input) + 1];
    if (next) { next.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("input[role=combobox]")) { return; }
    var list = listFor(input);
    var opts = options(list);
    var i = activeIndex(list);
    if (e.key === "ArrowDown" && opts.length) { e.preventDefault(); setActive(input, list, Math.min(i + 1, opts.length - 1)); }
    else if (e.key === "ArrowUp" && opts.length) { e.preventDefault(); setActive(input, list, Math.max(i - 1, 0)); }
    else if ((e.key === "Enter" || (e.key === "Tab" && !e.shiftKey)) && opts.length && list.innerHTML !== "") {
      e.preventDefault(); chosenAt = Date.now(); choose(input, opts[Math.max(i, 0)]);
    } else if (e.key === "Escape") { list.innerHTML = ""; input.setAttribute("aria-expanded", "false"); }
  });
  // The Enter that chose an option must not also submit the form from the
  // field the cursor moved on to. A real keyboard's keypress is cancelled
  // with its keydown; synthetic input (automation, some IMEs) sends it apart.
  var chosenAt = 0;
  document.addEventListener("keypress", function (e) {
    if ((e.key === "Enter" || e.key === "Tab") && Date.now() - chosenAt < 500) { e.preventDefault(); }
  }, true);
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (input.matches && input.matches("input[role=combobox]")) {
      // Typing again un-chooses: the hidden id must never disagree with the text.
      var hidden = input.closest(".ta").querySelector("input[type=hidden][name$='_id']");
      if (hidden) { hidden.value = ""; }
    }
  });
  document.addEventListener("click", function (e) {
    var li = e.target.closest && e.target.closest(".ta-list li[data-value]");
    if (li) { var input = li.closest(".ta").querySelector("input[role=combobox]"); choose(input, li); }
    if (e.target.matches && e.target.matches("[data-print]")) { window.print(); }
  });
  document.addEventListener("htmx:afterSwap", function (e) {
    var list = e.detail.target;
    if (list && list.getAttribute("role") === "listbox") {
      var input = document.querySelector("[aria-controls='" + list.id + "']");
      if (input) {
        input.setAttribute("aria-expanded", options(list).length ? "true" : "false");
        var first = options(list)[0];
        if (first) { input.setAttribute("aria-activedescendant", first.id); } else { input.removeAttribute("aria-activedescendant"); }
      }
    }
  });

  // Ctrl+Enter saves the registration form from any field.
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      var form = e.target.closest && e.target.closest("form[data-ctrl-enter]");
      if (form) { e.preventDefault(); form.requestSubmit(); }
    }
  });

  // Feedback desk: 1, 2, 3 record the outcome (not while typing remarks).
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) { return; }
    var t = e.target;
    if (t.matches && t.matches("input, textarea, select")) { return; }
    var form = document.querySelector("form[data-outcome-keys]");
    if (!form) { return; }
    var b = form.querySelector("button[data-key='" + e.key + "']");
    if (b) { e.preventDefault(); b.click(); }
  });

  // The live duplicate warning: ask when both the type and the place are chosen.
  document.addEventListener("picked", function (e) {
    var form = e.target;
    if (form.id !== "reg" || !window.htmx) { return; }
    var c = form.querySelector("[name=category_id]"), a = form.querySelector("[name=area_id]"), m = form.querySelector("[name=mobile]");
    if (c && a && m && c.value && a.value && document.getElementById("dups")) {
      window.htmx.ajax("GET", "/agent/duplicates?mobile=" + encodeURIComponent(m.value) + "&category_id=" + c.value + "&area_id=" + a.value,
        { target: "#dups", swap: "innerHTML" });
    }
  });
})();
