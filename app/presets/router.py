"""Note presets (常用语): coordinators read them, admins keep them."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.accounts.deps import AdminAccount, AreaManagerAccount
from app.core.deps import ReadSession, WriteSession
from app.presets import service
from app.presets.models import NotePreset, PresetPurpose
from app.presets.schemas import PresetCreate, PresetList, PresetPublic, PresetUpdate

router = APIRouter(tags=["presets"])


@router.get("/note-presets", response_model=PresetList)
def list_presets(
    session: ReadSession,
    _manager: AreaManagerAccount,
    purpose: Annotated[PresetPurpose | None, Query(description="only this purpose")] = None,
) -> PresetList:
    """The reasons and notes the console offers, in order (coordinators and admins)."""
    return PresetList(items=[_public(p) for p in service.list_presets(session, purpose)])


@router.post("/note-presets", response_model=PresetPublic, status_code=status.HTTP_201_CREATED)
def create_preset(body: PresetCreate, session: WriteSession, _admin: AdminAccount) -> PresetPublic:
    """Add a preset (admins); 409 if its purpose has the same wording already."""
    preset = service.create_preset(session, body)
    session.commit()
    return _public(preset)


@router.patch("/note-presets/{preset_id}", response_model=PresetPublic)
def update_preset(
    preset_id: int, body: PresetUpdate, session: WriteSession, _admin: AdminAccount
) -> PresetPublic:
    """Reword or move a preset (admins)."""
    preset = service.update_preset(session, preset_id, body)
    session.commit()
    return _public(preset)


@router.delete("/note-presets/{preset_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_preset(preset_id: int, session: WriteSession, _admin: AdminAccount) -> Response:
    """Remove a preset (admins)."""
    service.delete_preset(session, preset_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _public(preset: NotePreset) -> PresetPublic:
    return PresetPublic.model_validate(preset, from_attributes=True)
