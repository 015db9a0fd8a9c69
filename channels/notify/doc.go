// Package notify is a client for GOV.UK Notify, used for FOI
// acknowledgements and service-request confirmations by SMS and email.
//
// Authentication follows alphagov/notifications-python-client: the API key
// is "{key_name}-{service_id}-{secret_key}" (both UUIDs), and each request
// carries "Authorization: Bearer <JWT>", a JWT signed HS256 with the secret
// key whose claims are iss = service id and iat = now in seconds. Notify
// rejects tokens more than 30 seconds old, so one is minted per request.
// The JWT is built with the standard library: two claims and one HMAC do
// not justify a dependency.
package notify
