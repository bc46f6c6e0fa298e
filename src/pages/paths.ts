/** Paths of the pages, in one place because pages link to and redirect to each other. */
export const SETUP_PATH = '/setup'
export const LOGIN_PATH = '/login'
export const LOGOUT_PATH = '/logout'
export const RESET_REQUEST_PATH = '/reset-password'
/** The page the reset message links to, with `otp` and `email` in the query. */
export const RESET_CHANGE_PATH = '/reset-password/change'
export const SECURITY_PATH = '/settings/security'
export const SECURITY_PASSWORD_PATH = '/settings/security/password'
export const SECURITY_CONVERT_PATH = '/settings/security/convert'
