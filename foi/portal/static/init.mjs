// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initAll()
