// Points: the balance, the ledger, rewards to redeem, my redemptions, and the leaderboards.

import { api } from "../api.js";
import { cachedMe } from "../auth.js";
import { h } from "../../../shared/dom.js";
import { icon, ICONS } from "../icons.js";
import { toast } from "../toast.js";
import { formatNumber, formatTime, t } from "../i18n.js";
import { navigate } from "../../../shared/router.js";
import { emptyBlock, errorText, loadInto, pageHeader } from "../ui.js";

const TABS = ["rewards", "ledger", "redemptions", "board"];

export function pointsView({ root, query }) {
  const tab = TABS.includes(query.tab) ? query.tab : "rewards";
  const balance = h("p", { class: "balance-value", id: "points-balance" }, "—");
  const body = h("div", { class: "tab-body", role: "tabpanel" });
  root.append(
    pageHeader(t("points.title")),
    h(
      "div",
      { class: "balance-card" },
      h("p", { class: "balance-label" }, t("points.balance")),
      balance,
      h("p", { class: "balance-hint" }, t("points.hint")),
    ),
    h(
      "div",
      { class: "tabs", role: "tablist" },
      TABS.map((name) =>
        h(
          "button",
          {
            class: "tab",
            type: "button",
            role: "tab",
            "aria-selected": String(name === tab),
            onclick: () => navigate(`/points?tab=${name}`, { replace: true }),
          },
          t(`points.tab.${name}`),
        ),
      ),
    ),
    body,
  );

  const state = { balance: null };
  const refreshBalance = () =>
    api("/me/points", { query: { limit: 100 } }).then((data) => {
      state.balance = data.balance;
      balance.textContent = formatNumber(data.balance);
      return data;
    });
  const panels = {
    ledger: () => loadInto(body, refreshBalance, (data) => body.append(ledger(data.entries))),
    rewards: () =>
      loadInto(
        body,
        () => Promise.all([api("/rewards"), refreshBalance()]),
        ([rewards]) => body.append(rewardList(rewards.items, state, refreshBalance)),
      ),
    redemptions: () =>
      loadInto(
        body,
        () => api("/me/redemptions"),
        (data) => body.append(redemptionList(data.items)),
      ),
    board: () => body.append(leaderboard()),
  };
  if (tab !== "ledger" && tab !== "rewards") refreshBalance().catch(() => {});
  panels[tab]();
}

function ledger(entries) {
  if (!entries.length) return emptyBlock(t("points.no_entries"), "star");
  return h(
    "ul",
    { class: "ledger" },
    entries.map((entry) =>
      h(
        "li",
        { class: "ledger-row" },
        h(
          "div",
          {},
          h("p", { class: "ledger-reason" }, entry.reason),
          h(
            "p",
            { class: "ledger-time" },
            formatTime(entry.created_at),
            entry.report_id
              ? h("a", { href: `#/reports/${entry.report_id}` }, ` #${entry.report_id}`)
              : null,
          ),
        ),
        h(
          "span",
          { class: `amount ${entry.amount >= 0 ? "plus" : "minus"}` },
          `${entry.amount >= 0 ? "+" : ""}${formatNumber(entry.amount)}`,
        ),
      ),
    ),
  );
}

function rewardList(rewards, state, refreshBalance) {
  if (!rewards.length) return emptyBlock(t("points.no_rewards"), "gift");
  return h(
    "ul",
    { class: "reward-list" },
    rewards.map((reward) => rewardCard(reward, state, refreshBalance)),
  );
}

function rewardCard(reward, state, refreshBalance) {
  const stock = h("span", { class: "reward-stock" }, t("points.stock", { n: reward.stock }));
  const action = h("div", { class: "reward-action" });
  const message = h("p", { class: "form-error", role: "alert", hidden: true });
  const card = h(
    "li",
    { class: "reward-card", dataset: { rewardId: reward.id } },
    rewardPicture(reward.picture_url),
    h(
      "div",
      { class: "reward-body" },
      h("p", { class: "reward-name" }, reward.name),
      reward.description ? h("p", { class: "reward-description" }, reward.description) : null,
      reward.pickup_place
        ? h("p", { class: "reward-pickup" }, t("redemption.place", { place: reward.pickup_place }))
        : null,
      h(
        "p",
        { class: "reward-meta" },
        h("strong", {}, t("points.cost", { n: formatNumber(reward.cost) })),
        " · ",
        stock,
      ),
      message,
    ),
    action,
  );

  const drawIdle = () => {
    const short = state.balance !== null && state.balance < reward.cost;
    action.replaceChildren(
      h(
        "button",
        {
          class: "button primary small",
          type: "button",
          disabled: reward.stock <= 0 || short,
          onclick: drawConfirm,
        },
        reward.stock <= 0
          ? t("points.sold_out")
          : short
            ? t("points.not_enough")
            : t("points.redeem"),
      ),
    );
  };
  const drawConfirm = () => {
    action.replaceChildren(
      h(
        "button",
        { class: "button primary small confirm", type: "button", onclick: redeem },
        t("points.confirm", { n: formatNumber(reward.cost) }),
      ),
      h(
        "button",
        { class: "button link small", type: "button", onclick: drawIdle },
        t("common.cancel"),
      ),
    );
  };
  async function redeem() {
    action.querySelectorAll("button").forEach((b) => {
      b.disabled = true;
    });
    message.hidden = true;
    try {
      await api("/redemptions", { method: "POST", json: { reward_id: reward.id } });
      reward.stock -= 1;
      stock.textContent = t("points.stock", { n: reward.stock });
      await refreshBalance().catch(() => {});
      toast(t("points.redeemed", { name: reward.name }), "ok");
      drawIdle();
    } catch (error) {
      message.textContent = errorText(error);
      message.hidden = false;
      drawIdle();
    }
  }
  drawIdle();
  return card;
}

function redemptionList(items) {
  if (!items.length) return emptyBlock(t("points.no_redemptions"), "gift");
  return h(
    "ul",
    { class: "ledger" },
    items.map((item) =>
      h(
        "li",
        { class: "ledger-row redemption", dataset: { redemptionId: item.id } },
        rewardPicture(item.picture_url),
        h(
          "div",
          { class: "redemption-body" },
          h("p", { class: "ledger-reason" }, item.reward_name),
          h(
            "p",
            { class: "ledger-time" },
            formatTime(item.created_at),
            " · ",
            t(`redemption.${item.status}`),
            item.cancel_reason ? ` · ${item.cancel_reason}` : "",
          ),
          item.status === "pending" ? pickupDetails(item) : null,
        ),
        h("span", { class: "amount minus" }, `-${formatNumber(item.cost)}`),
      ),
    ),
  );
}

/** Where and when to collect a pending item, and the code to show (兑换码). */
function pickupDetails(item) {
  return h(
    "div",
    { class: "pickup" },
    h(
      "p",
      { class: "pickup-code" },
      t("redemption.code"),
      " ",
      h("strong", { class: "code" }, item.pickup_code),
    ),
    h("p", { class: "hint" }, t("redemption.code_hint")),
    item.pickup_place
      ? h("p", { class: "pickup-place" }, t("redemption.place", { place: item.pickup_place }))
      : null,
    item.pickup_hours
      ? h("p", { class: "pickup-hours" }, t("redemption.hours", { hours: item.pickup_hours }))
      : null,
  );
}

function rewardPicture(url) {
  return url
    ? h("img", { class: "reward-picture", src: url, alt: "", loading: "lazy" })
    : h("span", { class: "reward-picture" }, icon(ICONS.gift, 32));
}

function leaderboard() {
  const choice = { kind: "riders", period: "month" };
  const list = h("div", {});
  const segment = (name, values) =>
    h(
      "div",
      { class: "segmented", role: "group" },
      values.map((value) =>
        h(
          "button",
          {
            class: "segment",
            type: "button",
            "aria-pressed": String(choice[name] === value),
            dataset: { value },
            onclick: (event) => {
              choice[name] = value;
              event.currentTarget.parentElement
                .querySelectorAll(".segment")
                .forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.value === value)));
              load();
            },
          },
          t(`board.${value}`),
        ),
      ),
    );
  const load = () =>
    loadInto(
      list,
      () => api("/leaderboards", { query: choice }),
      (board) => {
        if (!board.items.length) return list.append(emptyBlock(t("board.empty"), "trophy"));
        const myId = cachedMe()?.id;
        return list.append(
          h(
            "ol",
            { class: "board" },
            board.items.map((row) => {
              const mine = row.rider ? row.rider.id === myId : false;
              return h(
                "li",
                { class: `board-row${mine ? " mine" : ""}${row.rank <= 3 ? " top" : ""}` },
                h("span", { class: "rank" }, String(row.rank)),
                h(
                  "span",
                  { class: "board-name" },
                  row.rider ? row.rider.name : row.name,
                  row.member_count != null
                    ? h("small", {}, t("board.members", { n: row.member_count }))
                    : null,
                ),
                h("span", { class: "board-points" }, formatNumber(row.points)),
              );
            }),
          ),
        );
      },
    );
  load();
  return h(
    "div",
    { class: "board-area" },
    h(
      "div",
      { class: "board-controls" },
      segment("kind", ["riders", "teams"]),
      segment("period", ["month", "all"]),
    ),
    list,
  );
}
