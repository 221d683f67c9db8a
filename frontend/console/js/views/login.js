// The login page: username and password; only console accounts (area managers and units) get in.

import { ApiError } from '../api.js';
import { logIn } from '../auth.js';
import { field, h } from '../dom.js';
import { describeError } from '../errors.js';
import { t } from '../i18n.js';
import { languageSwitch } from '../shell.js';

/** Render the login page into `root`; `onLoggedIn(account)` runs after a successful login. */
export function renderLogin(root, onLoggedIn) {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const usernameField = field(t('login.username'), username);
  const passwordField = field(t('login.password'), password);
  const error = h('div', { className: 'form-error', role: 'alert' });
  const submit = h(
    'button',
    { type: 'submit', className: 'btn btn-primary btn-block' },
    t('login.submit'),
  );

  const form = h(
    'form',
    { className: 'login-form', novalidate: true },
    h('h1', {}, t('login.title')),
    h('p', { className: 'muted' }, t('login.subtitle')),
    usernameField,
    passwordField,
    error,
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    usernameField.showError(
      username.value.trim() ? '' : t('form.required', { field: t('login.username') }),
    );
    passwordField.showError(
      password.value ? '' : t('form.required', { field: t('login.password') }),
    );
    if (!username.value.trim() || !password.value) return;
    submit.disabled = true;
    try {
      onLoggedIn(await logIn(username.value.trim(), password.value));
    } catch (failure) {
      if (failure.code === 'not-console-user') error.textContent = t('login.not_console_user');
      else if (failure instanceof ApiError && failure.status === 401)
        error.textContent = t('login.failed');
      else error.textContent = describeError(failure);
      password.select();
    } finally {
      submit.disabled = false;
    }
  });

  root.replaceChildren(
    h(
      'div',
      { className: 'login-page' },
      h(
        'div',
        { className: 'login-card' },
        h(
          'div',
          { className: 'login-brand' },
          h('span', { className: 'brand-mark', 'aria-hidden': 'true' }, '探'),
          h(
            'div',
            {},
            h('div', { className: 'brand-name' }, t('app.name')),
            h('div', { className: 'brand-sub' }, t('app.subtitle')),
          ),
          languageSwitch(),
        ),
        form,
      ),
      h('p', { className: 'login-foot muted' }, t('login.footer')),
    ),
  );
  username.focus();
}
