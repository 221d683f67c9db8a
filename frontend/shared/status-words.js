// The glossary of status words (report and task statuses, zh-CN and en) for both apps: the words
// the server's notifications and Open311 feed use too. status-words.json is the source; it is copied
// here verbatim so that browsers without JSON modules can import it
// (tests/core/test_status_words.py checks the copy).

// prettier-ignore
const STATUS_WORDS = {
  "report": {
    "submitted": { "zh-CN": "待受理", "en": "Submitted" },
    "accepted": { "zh-CN": "已受理", "en": "Accepted" },
    "rejected": {
      "zh-CN": "已驳回",
      "en": "Rejected",
      "rider": { "zh-CN": "未受理", "en": "Not accepted" },
      "rider_why": "The rider volunteered the report: a refusal reads as a verdict on the rider, so the reporter is told it was not taken up, and the reason."
    },
    "duplicate": { "zh-CN": "已合并", "en": "Merged" },
    "dispatched": { "zh-CN": "已派单", "en": "Dispatched" },
    "in_progress": { "zh-CN": "处置中", "en": "In progress" },
    "resolved": {
      "zh-CN": "待核查",
      "en": "To verify",
      "rider": { "zh-CN": "待核查", "en": "Being verified" },
      "rider_why": "\"To verify\" is a coordinator's to-do; the rider only waits for the check."
    },
    "closed": { "zh-CN": "已办结", "en": "Closed" }
  },
  "task": {
    "open": { "zh-CN": "待接单", "en": "Open" },
    "in_progress": { "zh-CN": "处置中", "en": "In progress" },
    "returned": { "zh-CN": "已退回", "en": "Returned" },
    "completed": { "zh-CN": "已完成", "en": "Completed" }
  }
};

const PREFIXES = { report: "status", task: "task_status" };

/**
 * The i18n texts of every status in `lang`: {"status.<status>": word, "task_status.<status>": word}.
 * `rider` picks the rider app's gentler variants where the glossary has them.
 */
export function statusTexts(lang, { rider = false } = {}) {
  const texts = {};
  for (const [kind, prefix] of Object.entries(PREFIXES)) {
    for (const [status, entry] of Object.entries(STATUS_WORDS[kind])) {
      texts[`${prefix}.${status}`] = ((rider && entry.rider) || entry)[lang];
    }
  }
  return texts;
}
