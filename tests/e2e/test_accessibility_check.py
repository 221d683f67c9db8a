"""The accessibility check itself: it finds a fault put on a page, names it readably, and passes
the page again once the fault is gone."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.accessibility import assert_accessible, axe_violations

pytestmark = pytest.mark.e2e

# A pale, small button added to the login screen through the CSSOM (the CSP allows no markup).
ADD_FAULT = """() => {
  const button = document.createElement("button");
  button.id = "faint-button";
  button.type = "button";
  button.textContent = "试一下";
  button.style.color = "#bbbbbb";
  button.style.background = "#ffffff";
  button.style.border = "0";
  button.style.width = "40px";
  button.style.height = "30px";
  document.querySelector("form").append(button);
}"""


def test_a_faint_small_button_is_reported_by_rule_impact_and_element(page: Page) -> None:
    page.goto("/#/login")
    expect(page.get_by_label("手机号")).to_be_visible()
    assert_accessible(page, "rider-login", touch=True)

    page.evaluate(ADD_FAULT)
    found = {(v.rule, v.target) for v in axe_violations(page, touch=True)}
    assert found == {("color-contrast", "#faint-button"), ("target-size", "#faint-button")}
    # Without `touch`, a small target is not a fault (the console is used with a mouse).
    assert {v.rule for v in axe_violations(page)} == {"color-contrast"}
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "rider-login", touch=True)
    message = str(failure.value)
    assert "rider-login: 2 accessibility violations" in message
    assert "- color-contrast [serious] #faint-button: " in message
    assert "should be at least 44px by 44px" in message

    page.evaluate("() => document.getElementById('faint-button').remove()")
    assert_accessible(page, "rider-login", touch=True)
