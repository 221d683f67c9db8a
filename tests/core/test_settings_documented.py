"""`.env.example` lists every setting, as the contract says."""

from pathlib import Path

from app.core.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def environment_names() -> list[str]:
    names = []
    for field_name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.append(alias if isinstance(alias, str) else f"TANTOU_{field_name.upper()}")
    return names


def test_every_setting_is_in_the_env_example() -> None:
    listed = {
        line.split("=", 1)[0].removeprefix("# ").strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line
    }

    missing = [name for name in environment_names() if name not in listed]

    assert missing == []
    assert "AWS_REGION" in environment_names()
