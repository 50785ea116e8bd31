// Draws Swagger UI (static/dist/swagger-ui/, from the npm package swagger-ui-dist) over the
// API's OpenAPI document, on /api/v1/docs/explorer. No inline script: the CSP forbids it.
/* global SwaggerUIBundle */
const element = document.getElementById('api-explorer')
if (element && typeof SwaggerUIBundle === 'function') {
  SwaggerUIBundle({
    url: element.dataset.specUrl,
    domNode: element,
    deepLinking: false,
    tryItOutEnabled: false
  })
}
