/**
 * The one script of the pages, served from a fingerprinted path (see assets.ts): live feedback
 * on a new password while it is typed. Every `input[data-strength]` names, in that attribute,
 * the id of an element (an `aria-live` region the input's `aria-describedby` points at) that
 * receives the verdict of `POST /api/v2/users/validate-password`, the rule the form post applies
 * again on submit. The request omits cookies, so the API's CSRF check for cookie-authenticated
 * writes does not apply, and it waits for a pause in typing because the endpoint allows 60
 * requests per minute per client IP. Without the script, the form works the same and the server
 * reports a weak password after the post.
 */
export const PASSWORD_STRENGTH_SCRIPT = `'use strict'
;(function () {
  var PAUSE_MS = 400
  var inputs = document.querySelectorAll('input[data-strength]')
  Array.prototype.forEach.call(inputs, function (input) {
    var output = document.getElementById(input.getAttribute('data-strength'))
    if (!output) return
    var timer = 0
    var latest = 0
    input.addEventListener('input', function () {
      clearTimeout(timer)
      timer = setTimeout(check, PAUSE_MS)
    })
    function show(text, className) {
      output.textContent = text
      output.className = className
    }
    function check() {
      var request = ++latest
      var password = input.value
      if (password === '') return show('', 'hint')
      fetch('/api/v2/users/validate-password', {
        method: 'POST',
        credentials: 'omit',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ password: password }),
      })
        .then(function (response) {
          if (!response.ok) throw new Error('validate-password returned ' + response.status)
          return response.json()
        })
        .then(function (result) {
          if (request !== latest) return
          if (result.valid) show('This password meets the strength rules.', 'ok')
          else show(result.details, 'error')
        })
        .catch(function () {
          if (request === latest) show('', 'hint')
        })
    }
  })
})()
`
