// Swagger UI over the service's own contract (app/apidocs.py). A file of its own, not an inline
// script, so the page's policy allows scripts from this origin only.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  // Never send the document to swagger.io's validator.
  validatorUrl: null,
});
