"""Keeping the presets: one wording once per purpose, offered in the admins' order."""

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.core.errors import Conflict, NotFound
from app.core.messages import Message
from app.presets.models import NotePreset, PresetPurpose
from app.presets.schemas import PresetCreate, PresetUpdate

DUPLICATE = Message("presets.duplicate")


def list_presets(session: Session, purpose: PresetPurpose | None) -> list[NotePreset]:
    """Every preset, or those of one purpose, in the order they are offered."""
    query = select(NotePreset)
    if purpose is not None:
        query = query.where(col(NotePreset.purpose) == purpose)
    order = (col(NotePreset.purpose), col(NotePreset.position), col(NotePreset.id))
    return list(session.exec(query.order_by(*order)))


def create_preset(session: Session, body: PresetCreate) -> NotePreset:
    """Add a preset, last of its purpose unless a position is given (flushes)."""
    position = body.position
    if position is None:
        last = session.exec(
            select(func.max(NotePreset.position)).where(col(NotePreset.purpose) == body.purpose)
        ).one()
        position = 0 if last is None else last + 1
    preset = NotePreset(purpose=body.purpose, text=body.text, position=position)
    session.add(preset)
    _flush_unique(session)
    return preset


def update_preset(session: Session, preset_id: int, body: PresetUpdate) -> NotePreset:
    """Reword or move a preset (flushes)."""
    preset = _preset(session, preset_id)
    if body.text is not None:
        preset.text = body.text
    if body.position is not None:
        preset.position = body.position
    session.add(preset)
    _flush_unique(session)
    return preset


def delete_preset(session: Session, preset_id: int) -> None:
    """Remove a preset; notes already written with it keep their words (flushes)."""
    session.delete(_preset(session, preset_id))
    session.flush()


def _preset(session: Session, preset_id: int) -> NotePreset:
    preset = session.get(NotePreset, preset_id)
    if preset is None:
        raise NotFound(Message("presets.no-preset"))
    return preset


def _flush_unique(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise Conflict(DUPLICATE) from error
