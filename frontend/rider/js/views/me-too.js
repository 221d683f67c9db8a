// 我也遇到 (me too): join an open report instead of filing the same problem again.

import { api } from "../api.js";
import { ApiError } from "../../../shared/http.js";
import { t } from "../i18n.js";
import { toast } from "../toast.js";
import { errorText } from "../ui.js";

/**
 * Record the rider as a supporter of the report (the tapped `button` off meanwhile). Resolves
 * true when the rider now follows it (joined, or already its reporter: 403), false on a refusal
 * or no network, which a toast explains.
 */
export async function joinReport(button, reportId) {
  button.disabled = true;
  try {
    await api(`/reports/${reportId}/supporters`, { method: "POST" });
    toast(t("new.same_thanks"), "ok");
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return true;
    button.disabled = false;
    toast(errorText(error), "error");
    return false;
  }
}
