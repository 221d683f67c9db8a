// 接口与集成 (integrations), for admins: API keys for other systems, and webhooks to them.

import { t } from "../i18n.js";
import { areaChoices, loadCommunities, loadUnits } from "../reference.js";
import { navigate } from "../../../shared/router.js";
import { pageHeader } from "../ui.js";
import { apiKeysPanel } from "./api-keys.js";
import { webhooksPanel } from "./webhooks.js";

/** Names for area and unit codes, and the choices for the create dialogs. */
async function reachReference() {
  const [communities, units] = await Promise.all([
    loadCommunities().catch(() => []),
    loadUnits().catch(() => new Map()),
  ]);
  const areas = areaChoices(communities);
  const areaNames = new Map(areas.map((a) => [a.value, a.label]));
  const communityNames = new Map(communities.map((c) => [c.code, c.name]));
  return {
    names: {
      areaName: (code) => areaNames.get(code) || code,
      unitName: (code) => units.get(code)?.name || code,
    },
    choices: {
      areas,
      units: [...units.values()].map((u) => ({
        value: u.code,
        label: u.name,
        group: communityNames.get(u.community_code) || u.community_code,
      })),
    },
  };
}

/** Render the integrations page: keys first, then webhooks. */
export async function renderIntegrations(root, { signal }) {
  const reference = await reachReference();
  if (signal.aborted) return;
  const reload = () => navigate("/integrations", { replace: true });
  const context = { ...reference, reload, signal };
  root.append(pageHeader(t("nav.integrations")), apiKeysPanel(context), webhooksPanel(context));
}
