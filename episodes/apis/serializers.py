"""The episode and video outputs (with the movement analysis) and the episode input fields."""

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from clinics.selectors import is_clinic_staff
from clinics.serializers import FastOutputMixin
from episodes.models import (
    EPISODE_CHOICE_FIELDS,
    EPISODE_LIST_FIELDS,
    TEMPERATURE_MAX_C,
    TEMPERATURE_MIN_C,
    AnalysisQuality,
    MovementPattern,
    Oscillation,
)

# Multipart framing around the file; a body bigger than the limit plus this is refused unread.


class MovementBurstSerializer(serializers.Serializer):
    start_s = serializers.FloatField()
    end_s = serializers.FloatField()
    peak_frequency_hz = serializers.FloatField(allow_null=True)


class MovementSignalSerializer(serializers.Serializer):
    rate_hz = serializers.FloatField(allow_null=True, help_text="Samples a second.")
    values = serializers.ListField(
        child=serializers.FloatField(),
        help_text="Displacement of the main moving region, as a share of its size.",
    )


class MovementSpectrumSerializer(serializers.Serializer):
    frequencies_hz = serializers.ListField(child=serializers.FloatField())
    power = serializers.ListField(child=serializers.FloatField(), help_text="Peak = 1.")


class MovementReviewSuggestionSerializer(serializers.Serializer):
    oscillation = serializers.ChoiceField(choices=Oscillation.choices)
    rate_hz_est = serializers.FloatField(allow_null=True)


class MovementOutputSerializer(serializers.Serializer):
    """What the movement analysis measured in the video (staff only): a measurement for the
    clinician to confirm, never a conclusion."""

    id = serializers.UUIDField(source="uuid")
    algorithm_version = serializers.CharField()
    input_sha256 = serializers.CharField(help_text="SHA-256 of the file that was analysed.")
    quality = serializers.ChoiceField(choices=AnalysisQuality.choices)
    quality_reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why a clip is poor or unusable: too short, too dark, camera moving too much, "
        "no movement found, not a readable video.",
    )
    analysed_seconds = serializers.FloatField()
    frame_rate = serializers.FloatField(allow_null=True)
    dominant_frequency_hz = serializers.FloatField(
        allow_null=True, help_text="The spectral peak; null unless quality is good."
    )
    rhythmicity = serializers.FloatField(
        allow_null=True, help_text="0-1: the spectral peak's share of the 0.4-15 Hz power."
    )
    waveform_asymmetry = serializers.FloatField(
        allow_null=True,
        help_text="0 equal rise and fall (tremor) .. 1 a fast and a slow phase (clonic); "
        "rhythmic movements only.",
    )
    amplitude_index = serializers.FloatField(
        allow_null=True, help_text="Peak-to-peak displacement over the moving region's size."
    )
    side_asymmetry = serializers.FloatField(
        allow_null=True,
        help_text="-1 only the left of the picture moves .. 0 both equally .. 1 only the right.",
    )
    bursts = MovementBurstSerializer(many=True)
    bursts_clustered = serializers.BooleanField()
    pattern = serializers.ChoiceField(
        choices=MovementPattern.choices, allow_null=True, source="pattern_or_none"
    )
    summary = serializers.CharField(help_text="The figures in words.")
    review_suggestion = MovementReviewSuggestionSerializer(allow_null=True)
    signal = MovementSignalSerializer()
    spectrum = MovementSpectrumSerializer()
    created_at = serializers.DateTimeField()


class VideoOutputSerializer(FastOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    state = serializers.CharField()
    failure_reason = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    original_filename = serializers.CharField()
    duration_s = serializers.FloatField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    rotation = serializers.IntegerField(allow_null=True)
    video_codec = serializers.CharField()
    audio_codec = serializers.CharField()
    created_at = serializers.DateTimeField()
    links = serializers.SerializerMethodField()
    movement = serializers.SerializerMethodField()

    @extend_schema_field(MovementOutputSerializer(allow_null=True))
    def get_movement(self, video) -> dict | None:
        """The newest movement analysis, for clinic staff only (null for caregivers and until
        the analysis has run)."""
        if not self._for_staff():
            return None
        analysis = video.movement_analysis
        return None if analysis is None else MovementOutputSerializer(analysis).data

    def _for_staff(self) -> bool:
        # DRF hands every serializer of a response the same (mutable) context dict.
        cache = cast("dict[str, Any]", self.context).setdefault("_movement_for_staff", {})
        request = self.context.get("request")
        if "staff" not in cache:
            user = getattr(request, "user", None)
            cache["staff"] = bool(user is not None and is_clinic_staff(user))
        return cache["staff"]

    def get_links(self, video) -> dict:
        request = self.context.get("request")
        kwargs = {"video_uuid": video.uuid}
        return {
            "media": reverse("api:video-playable", kwargs=kwargs, request=request),
            "poster": (
                reverse("api:video-poster", kwargs=kwargs, request=request)
                if video.poster
                else None
            ),
            "original": reverse("api:video-original", kwargs=kwargs, request=request),
        }


class EpisodeOutputSerializer(FastOutputMixin, serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    infant = serializers.UUIDField(source="infant.uuid")
    reported_by = serializers.UUIDField(source="reported_by.uuid")
    started_at = serializers.DateTimeField()
    duration_s = serializers.IntegerField(allow_null=True)
    state = serializers.CharField()
    trigger = serializers.CharField()
    movement_type = serializers.CharField()
    distribution = serializers.CharField()
    symmetry = serializers.CharField()
    stops_with_gentle_restraint = serializers.CharField()
    stops_on_waking = serializers.CharField()
    stimulus_sensitive = serializers.CharField()
    clusters = serializers.CharField()
    episodes_per_day = serializers.IntegerField(allow_null=True)
    eye_signs = serializers.CharField()
    autonomic = serializers.ListField(child=serializers.CharField())
    consciousness = serializers.CharField()
    after_event = serializers.CharField()
    associated = serializers.ListField(child=serializers.CharField())
    temperature_c = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    notes = serializers.CharField()
    video_available = serializers.BooleanField()
    oscillation = serializers.CharField()
    rate_hz_est = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    clinician_notes = serializers.CharField()
    clinician_reviewed = serializers.BooleanField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    next_step_advice = serializers.CharField()
    created_at = serializers.DateTimeField()
    videos = VideoOutputSerializer(many=True)


def _episode_input_fields() -> dict:
    fields = {
        "infant": serializers.UUIDField(),
        "started_at": serializers.DateTimeField(),
        "duration_s": serializers.IntegerField(
            min_value=0, max_value=24 * 60 * 60, required=False, allow_null=True
        ),
        "episodes_per_day": serializers.IntegerField(
            min_value=0, max_value=1000, required=False, allow_null=True
        ),
        "notes": serializers.CharField(required=False, allow_blank=True, max_length=4000),
        "temperature_c": serializers.DecimalField(
            max_digits=3,
            decimal_places=1,
            min_value=TEMPERATURE_MIN_C,
            max_value=TEMPERATURE_MAX_C,
            required=False,
            allow_null=True,
        ),
    }
    for name, vocabulary in EPISODE_CHOICE_FIELDS.items():
        fields[name] = serializers.ChoiceField(
            choices=vocabulary.choices, required=False, allow_blank=True
        )
    for name, vocabulary in EPISODE_LIST_FIELDS.items():
        fields[name] = serializers.ListField(
            child=serializers.ChoiceField(choices=vocabulary.choices), required=False
        )
    return fields
