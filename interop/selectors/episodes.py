"""Episodes as Observations with their features, and their videos as Media."""

import uuid
from typing import Any

from django.db.models import Field

from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    Episode,
    EpisodeVideo,
)
from interop import fhir
from interop.selectors.builder import _BundleBuilder, _instant, _ref

# Episodes and videos ------------------------------------------------------------------------------


def _feature_component(name: str, code: str, label: str) -> dict[str, Any]:
    meta = Episode._meta.get_field(name)
    assert isinstance(meta, Field)  # an answer column, never a relation
    return {
        "code": fhir.concept(fhir.EPISODE_FEATURE_SYSTEM, name, str(meta.verbose_name)),
        "valueCodeableConcept": fhir.concept(fhir.feature_system(name), code, label),
    }


def _episode_components(episode: Episode) -> list[dict[str, Any]]:
    components: list[dict[str, Any]] = []
    if episode.duration_s is not None:
        components.append(
            {
                "code": fhir.concept(fhir.EPISODE_FEATURE_SYSTEM, "duration_s", "Duration"),
                "valueQuantity": {
                    "value": episode.duration_s,
                    "unit": "s",
                    "system": fhir.UCUM,
                    "code": "s",
                },
            }
        )
    for name in (*EPISODE_CHOICE_FIELDS, "oscillation"):
        value = getattr(episode, name)
        if value:
            label = getattr(episode, f"get_{name}_display")()
            components.append(_feature_component(name, value, label))
    if episode.episodes_per_day is not None:
        components.append(
            {
                "code": fhir.concept(
                    fhir.EPISODE_FEATURE_SYSTEM, "episodes_per_day", "Episodes per day"
                ),
                "valueInteger": episode.episodes_per_day,
            }
        )
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        labels = dict(vocabulary.choices)
        for code in getattr(episode, name) or []:
            components.append(_feature_component(name, code, labels.get(code, code)))
    if episode.rate_hz_est is not None:
        components.append(
            {
                "code": fhir.concept(
                    fhir.EPISODE_FEATURE_SYSTEM, "rate_hz_est", "Estimated rate (clinician)"
                ),
                "valueQuantity": {
                    "value": float(episode.rate_hz_est),
                    "unit": "Hz",
                    "system": fhir.UCUM,
                    "code": "Hz",
                },
            }
        )
    return components


def _episodes(builder: _BundleBuilder, performers: dict[int, uuid.UUID]) -> list[Episode]:
    episodes = list(Episode.objects.for_infant(builder.infant).recent().prefetch_related("videos"))
    for episode in episodes:
        notes = [text for text in (episode.notes, episode.clinician_notes) if text]
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [fhir.concept(fhir.OBSERVATION_CATEGORY, "survey", "Survey")],
            "code": fhir.concept(
                fhir.EPISODE_FEATURE_SYSTEM, "shaking-episode", "Shaking episode (caregiver log)"
            ),
            "subject": builder.patient_ref,
            "effectiveDateTime": _instant(episode.started_at),
            "issued": _instant(episode.created_at),
            "component": _episode_components(episode),
        }
        if episode.reported_by_id in performers:
            resource["performer"] = [_ref(performers[episode.reported_by_id])]
        if notes:
            resource["note"] = [{"text": text} for text in notes]
        builder.add(episode.uuid, resource)
        for video in episode.videos.all():
            _media(builder, episode, video)
    return episodes


def _media(builder: _BundleBuilder, episode: Episode, video: EpisodeVideo) -> None:
    """A link to the authorised media URL (the API checks access on every download), not bytes."""
    kwargs = {"video_uuid": video.uuid}
    content = {
        "contentType": "video/mp4" if video.rendition else video.content_type,
        "url": builder.absolute("api:video-playable", **kwargs),
        "title": video.original_filename or "Episode video",
        "creation": _instant(video.created_at),
    }
    notes = [f"Original upload: {builder.absolute('api:video-original', **kwargs)}"]
    if video.poster:
        notes.append(f"Poster image: {builder.absolute('api:video-poster', **kwargs)}")
    resource: dict[str, Any] = {
        "resourceType": "Media",
        "status": "completed" if video.state == "ready" else "in-progress",
        "type": fhir.concept(fhir.MEDIA_TYPE, "video", "Video"),
        "partOf": [_ref(episode.uuid)],
        "subject": builder.patient_ref,
        "createdDateTime": _instant(episode.started_at),
        "issued": _instant(video.created_at),
        "content": content,
        "note": [{"text": text} for text in notes],
    }
    if video.width:
        resource["width"] = video.width
    if video.height:
        resource["height"] = video.height
    if video.duration_s is not None:
        resource["duration"] = round(video.duration_s, 3)
    builder.add(video.uuid, resource)
