// Typesets the math of a page of the book with KaTeX (loaded before this file, all deferred).
// Markdig marks math as <span class="math">\(…\)</span> and <div class="math">\[…\]</div>; only those are
// touched, so a dollar sign in code or output text is never taken for math. A formula KaTeX cannot parse is
// reported on the console (auto-render's default), which the book's tests treat as a failure.
(function () {
  var options = {
    delimiters: [
      { left: "\\[", right: "\\]", display: true },
      { left: "\\(", right: "\\)", display: false },
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false }
    ],
    throwOnError: true
  };
  document.querySelectorAll(".math").forEach(function (element) {
    renderMathInElement(element, options);
  });
})();
