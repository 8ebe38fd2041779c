/** stylelint, the CSS linter (make lint): the standard rules, with this project's naming and layout. */
export default {
  extends: ["stylelint-config-standard"],
  rules: {
    // BEM class names, as the templates use them: block, block__element, block--modifier.
    "selector-class-pattern": [
      "^[a-z][a-z0-9]*(-[a-z0-9]+)*(__[a-z0-9]+(-[a-z0-9]+)*)?(--[a-z0-9]+(-[a-z0-9]+)*)?$",
      { message: "Use BEM class names: block, block__element, block--modifier (lower case, hyphens)" },
    ],
    // Short rules stay on one line: the stylesheet reads as a table of components.
    "declaration-block-single-line-max-declarations": null,
    // It compares selectors that never match the same element (.gallery img and .card picture img).
    "no-descending-specificity": null,
  },
};
