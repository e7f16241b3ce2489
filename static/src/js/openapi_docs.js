/* Swagger UI on the OpenAPI document of the published endpoints.
 *
 * Plain script (no Odoo module system): the page is a bare HTML document
 * rendered by /rest_endpoint/docs, which puts the document's URL in the
 * data-spec-url attribute of #swagger-ui.
 */
(function () {
    "use strict";
    const root = document.getElementById("swagger-ui");
    window.restEndpointSwaggerUi = window.SwaggerUIBundle({
        url: root.dataset.specUrl,
        domNode: root,
        presets: [window.SwaggerUIBundle.presets.apis],
        layout: "BaseLayout",
        // "Authorize" with oauth2 comes back here (a vendored page of
        // swagger-ui-dist) from the sign-in on this server.
        oauth2RedirectUrl: root.dataset.oauthRedirectUrl,
        deepLinking: true,
        displayOperationId: true,
        // Never send the document to the public validator service.
        validatorUrl: null,
        // API keys typed into "Authorize" stay in this tab's memory only.
        persistAuthorization: false,
        // "Try it out" runs against this same server, with the browser's
        // session cookie for session endpoints.
        requestInterceptor: function (request) {
            request.credentials = "same-origin";
            return request;
        },
    });
    // OAuth 2.1: authorization code with PKCE (S256), as the client that
    // registered this server's redirect page (none: API keys only).
    if (root.dataset.oauthClientId) {
        window.restEndpointSwaggerUi.initOAuth({
            clientId: root.dataset.oauthClientId,
            usePkceWithAuthorizationCodeGrant: true,
        });
    }
})();
