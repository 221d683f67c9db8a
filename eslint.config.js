// One lint for both web apps and the code they share: plain ES modules run by the browser as they are.
import js from "@eslint/js";
import globals from "globals";

export default [
  // Copied from npm by `make build`: not ours to lint.
  { ignores: ["frontend/vendor/"] },
  js.configs.recommended,
  {
    files: ["frontend/**/*.js"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      "no-unused-vars": ["error", { args: "after-used", argsIgnorePattern: "^_" }],
      eqeqeq: ["error", "smart"],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
  {
    files: ["frontend/rider/sw.js"],
    languageOptions: { globals: globals.serviceworker },
  },
];
