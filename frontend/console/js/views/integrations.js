// Integrations (接口与推送) for admins: API keys (shown once) and webhooks.

import { api } from '../api.js';
import { h } from '../dom.js';
import { confirmAction, openForm } from '../dialog.js';
import { formatTime } from '../format.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import { toast } from '../toast.js';
import { dataTable, errorBox, pageHeader, panel } from '../ui.js';

const WEBHOOK_EVENTS = ['report.created', 'report.status_changed', 'task.overdue'];
const reload = () => navigate('/integrations', {}, { replace: true });

function listOf(text) {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function deleteButton(path, name) {
  return h(
    'button',
    {
      type: 'button',
      className: 'btn btn-danger btn-small',
      onclick: async () => {
        const done = await confirmAction({
          title: t('integrations.delete_title'),
          message: t('integrations.delete_message', { name }),
          confirmLabel: t('action.delete'),
          danger: true,
          onConfirm: () => api.delete(path),
        });
        if (done) reload();
      },
    },
    t('action.delete'),
  );
}

async function createKey() {
  const created = await openForm({
    title: t('integrations.key_create_title'),
    fields: [
      { name: 'name', label: t('integrations.key_name'), required: true, maxLength: 100 },
      {
        name: 'scopes',
        label: t('integrations.key_scopes'),
        required: true,
        hint: t('integrations.key_scopes_hint'),
      },
      {
        name: 'community_code',
        label: t('integrations.key_area'),
        hint: t('integrations.key_area_hint'),
      },
    ],
    submitLabel: t('action.create'),
    onSubmit: (v) =>
      api.post('/api-keys', {
        name: v.name,
        scopes: listOf(v.scopes),
        community_code: v.community_code || null,
      }),
  });
  if (!created) return;
  // The key is shown once: it must be copied now.
  await openForm({
    title: t('integrations.key_created'),
    intro: h(
      'div',
      {},
      h('p', {}, t('integrations.key_once')),
      h('code', { className: 'secret' }, created.key || ''),
    ),
    fields: [],
    submitLabel: t('action.close'),
    onSubmit: async () => true,
  });
  reload();
}

async function createWebhook() {
  const created = await openForm({
    title: t('integrations.hook_create_title'),
    fields: [
      { name: 'url', label: t('integrations.hook_url'), type: 'url', required: true },
      {
        name: 'events',
        label: t('integrations.hook_events'),
        required: true,
        value: WEBHOOK_EVENTS.join(', '),
        hint: t('integrations.hook_events_hint'),
      },
      {
        name: 'secret',
        label: t('integrations.hook_secret'),
        required: true,
        hint: t('integrations.hook_secret_hint'),
      },
    ],
    submitLabel: t('action.create'),
    onSubmit: (v) =>
      api.post('/webhooks', { url: v.url, events: listOf(v.events), secret: v.secret }),
  });
  if (created) {
    toast(t('done.webhook_created'));
    reload();
  }
}

/** Render API keys and webhooks. */
export async function renderIntegrations(root, { signal }) {
  const keys = dataTable(
    [
      { title: t('integrations.key_name'), cell: (k) => k.name },
      {
        title: t('integrations.key_scopes'),
        className: 'mono',
        cell: (k) => (k.scopes || []).join(', '),
      },
      { title: t('integrations.key_area'), cell: (k) => k.community_code || '' },
      {
        title: t('integrations.created_at'),
        className: 'col-time',
        cell: (k) => formatTime(k.created_at),
      },
      { title: '', cell: (k) => deleteButton(`/api-keys/${k.id}`, k.name) },
    ],
    { emptyText: t('integrations.no_keys') },
  );
  const hooks = dataTable(
    [
      { title: t('integrations.hook_url'), className: 'mono', cell: (w) => w.url },
      {
        title: t('integrations.hook_events'),
        className: 'mono',
        cell: (w) => (w.events || []).join(', '),
      },
      {
        title: t('integrations.created_at'),
        className: 'col-time',
        cell: (w) => formatTime(w.created_at),
      },
      { title: '', cell: (w) => deleteButton(`/webhooks/${w.id}`, w.url) },
    ],
    { emptyText: t('integrations.no_hooks') },
  );
  root.append(
    pageHeader(t('nav.integrations')),
    panel(
      t('integrations.keys'),
      h(
        'div',
        { className: 'panel-actions' },
        h(
          'button',
          { type: 'button', className: 'btn btn-primary', onclick: createKey },
          t('integrations.key_create'),
        ),
      ),
      keys.element,
    ),
    panel(
      t('integrations.hooks'),
      h(
        'div',
        { className: 'panel-actions' },
        h(
          'button',
          { type: 'button', className: 'btn btn-primary', onclick: createWebhook },
          t('integrations.hook_create'),
        ),
      ),
      hooks.element,
    ),
  );
  const [keyPage, hookPage] = await Promise.allSettled([
    api.get('/api-keys', {}, { signal }),
    api.get('/webhooks', {}, { signal }),
  ]);
  if (signal.aborted) return;
  if (keyPage.status === 'fulfilled') keys.addRows(keyPage.value.items);
  else root.append(errorBox(keyPage.reason));
  if (hookPage.status === 'fulfilled') hooks.addRows(hookPage.value.items);
  else root.append(errorBox(hookPage.reason));
}
