/* mockfinra: starts the packaged Swagger UI on /_mock/docs (an external script, so a CSP of script-src 'self'
   allows it). The OpenAPI URL comes from the page (data-openapi). No validator: nothing leaves the machine. */
(function () {
  "use strict";
  const node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") return;
  window.ui = window.SwaggerUIBundle({
    url: node.dataset.openapi,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
