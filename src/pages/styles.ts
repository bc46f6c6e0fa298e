/**
 * The pages' stylesheet, served from a fingerprinted path (see assets.ts). Plain CSS, one column
 * that fits a 320 px wide screen. Every text colour has at least 4.5:1 contrast with its background
 * (WCAG 2.2 AA). The lowest pair is white on the #1f883d button, at 4.52:1.
 */
export const PAGE_STYLESHEET = `*,
*::before,
*::after {
  box-sizing: border-box;
}
html {
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  line-height: 1.5;
  color: #1f2328;
  background: #f6f8fa;
  -webkit-text-size-adjust: 100%;
}
body {
  margin: 0;
}
header {
  padding: 0.75rem 1rem;
  border-bottom: 1px solid #d0d7de;
  background: #fff;
  font-weight: 600;
}
main {
  max-width: 28rem;
  margin: 0 auto;
  padding: 1.5rem 1rem 3rem;
  overflow-wrap: anywhere;
}
h1 {
  font-size: 1.5rem;
  line-height: 1.25;
  margin: 0 0 1rem;
}
h2 {
  font-size: 1.125rem;
  margin: 0 0 0.75rem;
}
p {
  margin: 0 0 0.75rem;
}
a {
  color: #0969da;
}
.card {
  background: #fff;
  border: 1px solid #d0d7de;
  border-radius: 8px;
  padding: 1rem;
  margin-bottom: 1.5rem;
}
.card > :last-child {
  margin-bottom: 0;
}
.field {
  margin-bottom: 1rem;
}
label {
  display: block;
  font-weight: 600;
  margin-bottom: 0.25rem;
}
input[type='email'],
input[type='text'],
input[type='password'] {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  padding: 0.5rem 0.625rem;
  font: inherit;
  color: inherit;
  background: #fff;
  border: 1px solid #6e7781;
  border-radius: 6px;
}
input[aria-invalid='true'] {
  border: 2px solid #cf222e;
}
:focus-visible {
  outline: 3px solid #0969da;
  outline-offset: 2px;
}
.hint,
.error,
.ok {
  margin: 0.25rem 0 0;
  font-size: 0.875rem;
}
.hint {
  color: #57606a;
}
.error {
  color: #b3261e;
}
.ok {
  color: #1a7f37;
}
.alert,
.notice {
  padding: 0.75rem;
  margin-bottom: 1rem;
  border-radius: 6px;
}
.alert {
  color: #82071e;
  background: #ffebe9;
  border: 1px solid #cf222e;
}
.notice {
  color: #0f5323;
  background: #dafbe1;
  border: 1px solid #1a7f37;
}
.alert p:last-child,
.notice p:last-child {
  margin-bottom: 0;
}
button,
.button {
  display: block;
  width: 100%;
  min-height: 2.75rem;
  margin: 0 0 0.75rem;
  padding: 0.5rem 1rem;
  font: inherit;
  font-weight: 600;
  text-align: center;
  text-decoration: none;
  color: #fff;
  background: #1f883d;
  border: 1px solid #1a7f37;
  border-radius: 6px;
  cursor: pointer;
}
.secondary {
  color: #1f2328;
  background: #f6f8fa;
  border-color: #8c959f;
}
.separator {
  margin: -0.75rem 0 0.75rem;
  text-align: center;
  color: #57606a;
}
.links {
  font-size: 0.875rem;
}
dl {
  margin: 0 0 0.75rem;
}
dt {
  font-weight: 600;
}
dd {
  margin: 0 0 0.5rem;
}
`
