// ASB case management: progressive enhancement entry point (ES module).
//
// Load with: <script type="module" src="/static/dist/app.js" nonce="..."></script>
// govuk-frontend.min.js is copied next to this file by the build.
import { initAll } from './govuk-frontend.min.js'

// GOV.UK Frontend components only initialise when <body> has the
// `govuk-frontend-supported` class. The page template normally sets it with a
// small (nonced) inline script; set it here as well so the components still
// work if that script is missing. Any browser that runs this ES module
// supports GOV.UK Frontend.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
