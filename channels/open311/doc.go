// Package open311 speaks Open311 GeoReport v2
// (https://wiki.open311.org/GeoReport_v2, "frozen and finalized"), the
// API councils' CRMs and FixMyStreet use to exchange service requests
// such as potholes and missed bins.
//
// Client reports requests to a council's Open311 endpoint. Handler serves
// Townhall's own service requests in Open311 form, FixMyStreet-style, over
// two small interfaces the caller implements: Registry (the services and
// their questions) and Requests (create and find). Both JSON and XML are
// served; the client speaks JSON.
//
// Shapes follow the spec text and the fixtures of mysociety/fixmystreet and
// mysociety/open311-adapter: responses are arrays (a JSON array, or a
// <services>/<service_requests>/<errors> XML root), errors are
// [{"code": 400, "description": "..."}], and POST bodies are
// application/x-www-form-urlencoded with attribute[code]=value for each
// answer to a service's questions.
package open311
