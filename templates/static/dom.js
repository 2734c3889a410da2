/* mockfinra: DOM helpers shared by the sign-in page (signin.js) and the virtual phone (phone.js).
   Load before those scripts; defines window.mockfinraDom. No dependencies. */
(function () {
  "use strict";

  // el("button", {class: "x", text: "Go", onclick: fn}, ...children): attributes, text, listeners, children.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else if (key === "style") node.style.cssText = value;  // through the CSSOM: the pages' CSP has no inline styles
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  window.mockfinraDom = Object.freeze({el});
})();
