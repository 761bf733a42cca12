// No routes of its own: the kit renders app/views/index.html for /.
const govukPrototypeKit = require('govuk-prototype-kit')

govukPrototypeKit.requests.setupRouter()
