// Signs a request with aws4, an independent SigV4 implementation, and
// prints the Authorization header it computes, for the signing tests.
//
//   node src/testing/aws4_verify.js request.json
//
// request.json: {"method", "path" (as sent, query included), "headers" (every
// header to sign, Host and X-Amz-Date among them), "body", "service",
// "region", "credentials": {"accessKeyId", "secretAccessKey",
// "sessionToken"}}. The date is the request's own X-Amz-Date.
'use strict'

const fs = require('fs')
const aws4 = require('aws4')

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const request = {
  method: input.method,
  path: input.path,
  headers: input.headers,
  body: input.body === '' ? undefined : input.body,
  service: input.service,
  region: input.region,
  // Sign exactly the headers given: aws4 adds none of its own.
  doNotModifyHeaders: true,
}
const signer = new aws4.RequestSigner(request, input.credentials)
const date = Object.keys(input.headers).find((name) => name.toLowerCase() === 'x-amz-date')
if (!date) throw new Error('request.json: no X-Amz-Date header')
signer.datetime = input.headers[date]
signer.sign()
process.stdout.write(request.headers.Authorization + '\n')
