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

// The Assign page offers only the officers of the team chosen. Without JavaScript every
// officer is listed and the server refuses an officer of another team.
const officerTeams = document.querySelector('[data-asb-officer-teams]')
if (officerTeams) {
  const teamOf = JSON.parse(officerTeams.dataset.asbOfficerTeams)
  const team = document.getElementById('agency')
  const officer = officerTeams.querySelector('select')
  const everyOption = [...officer.options]
  const offerTheTeamsOfficers = () => {
    const chosen = officer.value
    officer.replaceChildren(
      ...everyOption.filter((option) => !option.value || teamOf[option.value] === team.value)
    )
    officer.value = teamOf[chosen] === team.value ? chosen : ''
  }
  team.addEventListener('change', offerTheTeamsOfficers)
  offerTheTeamsOfficers()
}
