from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clinics.models import BaseModel
from patients.models import Infant

# Vocabularies of CLINICAL_CRITERIA.md section 1. The codes are the engine's; the labels are the
# plain words a parent reads. A blank answer means "not known", never "normal".


class State(models.TextChoices):
    AWAKE_CALM = "awake_calm", _("Awake and calm")
    AWAKE_CRYING_OR_HANDLED = "awake_crying_or_handled", _("Awake, crying or being handled")
    FEEDING = "feeding", _("Feeding")
    DROWSY_FALLING_ASLEEP = "drowsy_falling_asleep", _("Drowsy or falling asleep")
    ASLEEP = "asleep", _("Asleep")
    ON_WAKING = "on_waking", _("Just waking up")


class Trigger(models.TextChoices):
    NONE = "none", _("Nothing I noticed")
    HANDLING_OR_TOUCH = "handling_or_touch", _("Being touched or handled")
    SUDDEN_NOISE_OR_MOVEMENT = "sudden_noise_or_movement", _("A sudden noise or movement")
    CRYING_OR_HUNGER = "crying_or_hunger", _("Crying or hunger")
    UNDRESSING_OR_COLD = "undressing_or_cold", _("Undressing or feeling cold")
    FEEDING = "feeding", _("Feeding")
    ROCKING = "rocking", _("Rocking")
    WAKING = "waking", _("Waking up")
    EXCITEMENT = "excitement", _("Excitement")


class MovementType(models.TextChoices):
    FINE_TREMOR = "fine_tremor", _("Fine, fast trembling")
    COARSE_TREMOR = "coarse_tremor", _("Large, coarse shaking")
    STARTLE_MORO = "startle_moro", _("A startle: arms fling out then come back")
    MYOCLONIC_JERKS = "myoclonic_jerks", _("Sudden brief jerks")
    RHYTHMIC_CLONIC_JERKS = "rhythmic_clonic_jerks", _("Rhythmic jerking, like a beat")
    TONIC_STIFFENING = "tonic_stiffening", _("Body or limbs go stiff")
    SPASM_LIKE_FLEXION_EXTENSION = (
        "spasm_like_flexion_extension",
        _("Sudden bend or stretch (a crunch, head drop, arms up)"),
    )
    SHUDDERING = "shuddering", _("Shuddering or shivering")
    PEDALLING_OR_BOXING = "pedalling_or_boxing", _("Legs cycling or arms boxing")
    ORAL_AUTOMATISMS = "oral_automatisms", _("Chewing, sucking or lip-smacking over and over")
    UNSPECIFIED_JERKING = "unspecified_jerking", _("Jerking, not sure which kind")


class Oscillation(models.TextChoices):
    EQUAL = "equal", _("Equal back-and-forth (tremor)")
    FAST_SLOW = "fast_slow", _("Fast and slow phase (clonic)")
    REPETITIVE_BRIEF_JERKS = "repetitive_brief_jerks", _("Repetitive brief jerks")
    SINGLE = "single", _("Single movement")
    SPASM_1_2S = "spasm_1_2s", _("Spasm of 1-2 seconds")
    SUSTAINED = "sustained", _("Sustained")


class Distribution(models.TextChoices):
    ONE_LEG = "one_leg", _("One leg")
    ONE_SIDE_ARM_LEG = "one_side_arm_leg", _("Arm and leg on one side")
    BOTH_LEGS = "both_legs", _("Both legs")
    ALL_LIMBS = "all_limbs", _("Arms and legs")
    CHIN_AND_LIMBS = "chin_and_limbs", _("Chin and limbs")
    HEAD_NECK_TRUNK_LIMBS = "head_neck_trunk_limbs", _("Head, neck, body and limbs")
    NECK_SHOULDERS_ARMS = "neck_shoulders_arms", _("Neck, shoulders and arms")


class Symmetry(models.TextChoices):
    SYMMETRIC = "symmetric", _("The same on both sides")
    ASYMMETRIC = "asymmetric", _("Stronger on one side")
    UNILATERAL = "unilateral", _("Only one side")


class RestraintResponse(models.TextChoices):
    YES = "yes", _("Yes, it stopped")
    PARTIALLY = "partially", _("It got less but did not stop")
    NO = "no", _("No, it kept going")
    WORSENS = "worsens", _("It got worse")
    NOT_TRIED = "not_tried", _("I did not try")


class WakingResponse(models.TextChoices):
    YES = "yes", _("Yes, it stopped when baby woke")
    NO = "no", _("No, it kept going after waking")
    NOT_OBSERVED = "not_observed", _("I did not see")
    NA = "na", _("Baby was not asleep")


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not sure")


class EyeSigns(models.TextChoices):
    NONE = "none", _("Eyes looked normal")
    DEVIATION = "deviation", _("Eyes turned to one side")
    STARING = "staring", _("Staring, not looking at anything")
    NYSTAGMOID = "nystagmoid", _("Eyes flicking side to side")
    UPWARD_ROLLING = "upward_rolling", _("Eyes rolled up")
    EYES_WIDEN = "eyes_widen", _("Eyes opened wide")


class Autonomic(models.TextChoices):
    APNEA = "apnea", _("Stopped breathing or paused breathing")
    CYANOSIS_OR_COLOR_CHANGE = "cyanosis_or_color_change", _("Turned blue, grey or pale")
    HEART_RATE_CHANGE = "heart_rate_change", _("Heart rate changed (on a monitor)")
    DROOLING = "drooling", _("Drooling")


class Consciousness(models.TextChoices):
    ALERT = "alert", _("Awake and responding to me")
    ASLEEP_UNAFFECTED = "asleep_unaffected", _("Asleep and stayed asleep")
    ALTERED = "altered", _("Not responding normally")
    UNCLEAR = "unclear", _("Not sure")


class AfterEvent(models.TextChoices):
    BASELINE = "baseline", _("Back to normal straight away")
    CRIES_THEN_SETTLES = "cries_then_settles", _("Cried, then settled")
    IRRITABLE = "irritable", _("Fussy or irritable")
    SLEEPY = "sleepy", _("Very sleepy")
    FLOPPY = "floppy", _("Floppy")


class Associated(models.TextChoices):
    POOR_FEEDING = "poor_feeding", _("Feeding poorly")
    LETHARGY = "lethargy", _("Unusually sleepy or hard to wake")
    IRRITABILITY = "irritability", _("Very irritable")
    HYPOTONIA = "hypotonia", _("Floppy")
    GENERALIZED_STIFFNESS = "generalized_stiffness", _("Stiff all over")
    FEVER = "fever", _("Fever")
    HYPOTHERMIA = "hypothermia", _("Feels cold, low temperature")
    SWEATING = "sweating", _("Sweating")
    TWITCHING = "twitching", _("Twitching")
    CARPOPEDAL_SPASM = "carpopedal_spasm", _("Hands or feet cramping")
    STRIDOR = "stridor", _("Noisy, high-pitched breathing")
    RESPIRATORY_DIFFICULTY = "respiratory_difficulty", _("Hard to breathe")
    FAILURE_TO_THRIVE = "failure_to_thrive", _("Not gaining weight")
    HIGH_PITCHED_CRY = "high_pitched_cry", _("A high-pitched cry")
    INCONSOLABLE_CRYING = "inconsolable_crying", _("Cannot be settled")
    VOMITING = "vomiting", _("Vomiting")
    JAUNDICE = "jaundice", _("Yellow skin or eyes")
    ARCHING_OR_OPISTHOTONUS = "arching_or_opisthotonus", _("Arches the back")


# Single-answer fields and their vocabularies; the list fields are validated by the service.
EPISODE_CHOICE_FIELDS = {
    "state": State,
    "trigger": Trigger,
    "movement_type": MovementType,
    "distribution": Distribution,
    "symmetry": Symmetry,
    "stops_with_gentle_restraint": RestraintResponse,
    "stops_on_waking": WakingResponse,
    "stimulus_sensitive": YesNoUnknown,
    "clusters": YesNoUnknown,
    "eye_signs": EyeSigns,
    "consciousness": Consciousness,
    "after_event": AfterEvent,
}
EPISODE_LIST_FIELDS = {"autonomic": Autonomic, "associated": Associated}
# A temperature outside this range is a typing error, not a baby.
TEMPERATURE_MIN_C, TEMPERATURE_MAX_C = 30, 43


def _choice_field(vocabulary, verbose_name: str) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=40, choices=vocabulary.choices, blank=True, default=""
    )


def _in_vocabulary(field: str, vocabulary) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": [*vocabulary.values, ""]}),
        name=f"episode_{field}_valid",
    )


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def for_infant(self, infant: Infant) -> Self:
        return self.filter(infant=infant)

    def recent(self) -> Self:
        return self.order_by("-started_at", "-id")


class Episode(BaseModel):
    """One shaking episode as a caregiver (or staff member) reported it. The caregiver's answers
    are kept as reported; a clinician's reading of the video lives in separate fields."""

    infant = models.ForeignKey(Infant, on_delete=models.CASCADE, related_name="episodes")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_episodes"
    )
    started_at = models.DateTimeField()
    duration_s = models.PositiveIntegerField("how long it lasted (seconds)", null=True, blank=True)
    state = _choice_field(State, "state")
    trigger = _choice_field(Trigger, "trigger")
    movement_type = _choice_field(MovementType, "movement type")
    distribution = _choice_field(Distribution, "distribution")
    symmetry = _choice_field(Symmetry, "symmetry")
    stops_with_gentle_restraint = _choice_field(RestraintResponse, "stops with gentle restraint")
    stops_on_waking = _choice_field(WakingResponse, "stops on waking")
    stimulus_sensitive = _choice_field(YesNoUnknown, "stimulus sensitive")
    clusters = _choice_field(YesNoUnknown, "clusters")
    episodes_per_day = models.PositiveSmallIntegerField(null=True, blank=True)
    eye_signs = _choice_field(EyeSigns, "eye signs")
    autonomic = models.JSONField(default=list, blank=True)
    consciousness = _choice_field(Consciousness, "consciousness")
    after_event = _choice_field(AfterEvent, "after the event")
    associated = models.JSONField(default=list, blank=True)
    temperature_c = models.DecimalField(
        "temperature (°C)", max_digits=3, decimal_places=1, null=True, blank=True
    )
    notes = models.TextField(blank=True)

    # Clinician-only, set after watching the video (episode_clinician_review).
    oscillation = _choice_field(Oscillation, "oscillation")
    rate_hz_est = models.DecimalField(
        "estimated rate (Hz)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    clinician_notes = models.TextField(blank=True)
    # Set by the clinician's review when it rates the oscillation or the rate from the video: the
    # engine then trusts those readings over the caregiver's answers (criteria 0b, I4).
    clinician_reviewed = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_episodes",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["infant", "-started_at"], name="episode_infant_started")]
        constraints = [
            *(_in_vocabulary(name, vocab) for name, vocab in EPISODE_CHOICE_FIELDS.items()),
            _in_vocabulary("oscillation", Oscillation),
            models.CheckConstraint(
                condition=models.Q(rate_hz_est__isnull=True)
                | models.Q(rate_hz_est__gte=0, rate_hz_est__lte=30),
                name="episode_rate_hz_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(temperature_c__isnull=True)
                | models.Q(
                    temperature_c__gte=TEMPERATURE_MIN_C, temperature_c__lte=TEMPERATURE_MAX_C
                ),
                name="episode_temperature_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(clinician_reviewed=False) | models.Q(reviewed_at__isnull=False),
                name="episode_clinician_reviewed_has_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode of {self.infant} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def video_available(self) -> bool:
        return bool(self.videos.all())

    @property
    def next_step_advice(self) -> str:
        """The advice of the infant's assessment once this episode has been scored."""
        infant = self.infant
        return self.advice_after(
            caregiver_advice=infant.caregiver_advice,
            assessed_at=infant.assessed_at,
            logged_at=self.created_at,
        )

    @staticmethod
    def advice_after(*, caregiver_advice: str, assessed_at, logged_at) -> str:
        """`next_step_advice` from its three inputs (the list API reads them as values)."""
        if caregiver_advice and assessed_at and assessed_at >= logged_at:
            return caregiver_advice
        return gettext(
            "A clinician will review this episode and any video you sent. "
            "If the shaking comes back, record it and log it here."
        )

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None


class VideoState(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be processed")


def _video_path(video: "EpisodeVideo", filename: str) -> str:
    return f"episodes/videos/{video.uuid}/{filename}"


class EpisodeVideo(BaseModel):
    """A video of an episode. The original is evidence and is never altered; the poster and the
    browser-playable rendition are derived from it."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="videos")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploaded_videos"
    )
    original = models.FileField(upload_to=_video_path, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=60)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=VideoState.choices, default=VideoState.UPLOADED)
    failure_reason = models.CharField(max_length=300, blank=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    duration_s = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    rotation = models.SmallIntegerField(null=True, blank=True)
    video_codec = models.CharField(max_length=40, blank=True)
    audio_codec = models.CharField(max_length=40, blank=True)
    poster = models.FileField(upload_to=_video_path, max_length=300, blank=True)
    rendition = models.FileField(upload_to=_video_path, max_length=300, blank=True)
    # The movement analysis' own lease, taken once the video is ready (same rules as above).
    analysis_started_at = models.DateTimeField(null=True, blank=True)
    analysis_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "sha256"], name="video_once_per_episode"),
            models.CheckConstraint(
                condition=models.Q(state__in=VideoState.values), name="video_state_valid"
            ),
            models.CheckConstraint(condition=models.Q(size_bytes__gt=0), name="video_not_empty"),
        ]
        indexes = [models.Index(fields=["state", "processing_started_at"], name="video_state")]

    def __str__(self) -> str:
        return f"Video {self.uuid} ({self.get_state_display()})"

    @property
    def movement_analysis(self) -> "MovementAnalysis | None":
        """The newest analysis (the current algorithm version once it has run); reads the
        prefetched rows when the caller prefetched `movement_analyses`."""
        analyses = self.movement_analyses.all()
        return max(analyses, key=lambda a: (a.created_at, a.pk), default=None)

    @property
    def playable_file(self):
        """What a browser should play: the rendition when one was made, else the original."""
        return self.rendition if self.rendition else self.original


class IdempotencyKey(models.Model):
    """The first response to a request sent with an `Idempotency-Key`, replayed on retries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


class UploadSession(BaseModel):
    """A resumable (tus) upload in progress. The bytes received so far sit in a partial file in
    VIDEO_UPLOAD_PARTIAL_DIR; on completion they become an EpisodeVideo."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_sessions"
    )
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="upload_sessions")
    filename = models.CharField(max_length=255, blank=True)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    video = models.ForeignKey(
        EpisodeVideo, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offset__gte=0, offset__lte=models.F("length")),
                name="upload_offset_within_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Upload {self.uuid} {self.offset}/{self.length}"

    @property
    def is_complete(self) -> bool:
        return self.offset == self.length


class MovementPattern(models.TextChoices):
    TREMOR_LIKE = "tremor_like", "Tremor-like"
    CLONIC_LIKE = "clonic_like", "Clonic-like"
    MYOCLONIC_LIKE = "myoclonic_like", "Myoclonic-like"
    SPASM_LIKE = "spasm_like", "Spasm-like"
    NO_RHYTHMIC_MOVEMENT = "no_rhythmic_movement", "No rhythmic movement"


class AnalysisQuality(models.TextChoices):
    GOOD = "good", "Good"
    POOR = "poor", "Poor"
    UNUSABLE = "unusable", "Unusable"


class MovementAnalysis(BaseModel):
    """What the movement analysis (episodes/movement) measured in a video's original, with the
    algorithm version and the digest of the bytes it read. A measurement, never a conclusion:
    a clinician decides whether to use it in the review. The database refuses to change one; a
    new algorithm version adds a new row."""

    video = models.ForeignKey(
        EpisodeVideo, on_delete=models.CASCADE, related_name="movement_analyses"
    )
    input_sha256 = models.CharField(max_length=64)
    algorithm_version = models.CharField(max_length=20)
    quality = models.CharField(max_length=10, choices=AnalysisQuality.choices)
    quality_reasons = models.JSONField(default=list, blank=True)
    analysed_seconds = models.FloatField(default=0)
    frame_rate = models.FloatField(null=True, blank=True)
    dominant_frequency_hz = models.FloatField(null=True, blank=True)
    rhythmicity = models.FloatField(null=True, blank=True)
    waveform_asymmetry = models.FloatField(null=True, blank=True)
    amplitude_index = models.FloatField(null=True, blank=True)
    side_asymmetry = models.FloatField(null=True, blank=True)
    bursts = models.JSONField(default=list, blank=True)
    bursts_clustered = models.BooleanField(default=False)
    pattern = models.CharField(
        max_length=24, choices=MovementPattern.choices, blank=True, default=""
    )
    # For plotting: the displacement signal (share of the moving region's size) and the spectrum.
    signal = models.JSONField(default=dict, blank=True)
    spectrum = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["video", "algorithm_version"], name="movement_analysis_once_per_version"
            ),
            models.CheckConstraint(
                condition=models.Q(quality__in=AnalysisQuality.values),
                name="movement_analysis_quality_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(pattern__in=[*MovementPattern.values, ""]),
                name="movement_analysis_pattern_valid",
            ),
            # A poor or unusable clip gives no pattern and no frequency.
            models.CheckConstraint(
                condition=models.Q(quality="good")
                | models.Q(pattern="", dominant_frequency_hz__isnull=True),
                name="movement_analysis_only_good_clips_measured",
            ),
        ]

    def __str__(self) -> str:
        return f"Movement analysis {self.algorithm_version} of video {self.video_id}"

    @property
    def is_rhythmic(self) -> bool:
        return self.pattern in (MovementPattern.TREMOR_LIKE, MovementPattern.CLONIC_LIKE)

    @property
    def pattern_or_none(self) -> str | None:
        return self.pattern or None

    def as_result(self) -> dict:
        """The figures as episodes/movement returned them (for its wording functions)."""
        return {name: getattr(self, name) for name in MOVEMENT_RESULT_FIELDS} | {
            "pattern": self.pattern or None
        }

    @property
    def summary(self) -> str:
        from episodes.movement.words import describe  # plain Python, no models

        return describe(self.as_result())

    @property
    def review_suggestion(self) -> dict | None:
        """What "Use in review" puts in the clinician review form, for the clinician to confirm
        or change; None when the analysis suggests nothing."""
        if self.quality != AnalysisQuality.GOOD or not self.pattern:
            return None
        frequency = self.dominant_frequency_hz
        rate = round(frequency, 1) if self.is_rhythmic and frequency is not None else None
        oscillations: dict[str, Oscillation] = {
            MovementPattern.TREMOR_LIKE: Oscillation.EQUAL,
            MovementPattern.CLONIC_LIKE: Oscillation.FAST_SLOW,
            MovementPattern.SPASM_LIKE: Oscillation.SPASM_1_2S,
            MovementPattern.MYOCLONIC_LIKE: (
                Oscillation.REPETITIVE_BRIEF_JERKS if len(self.bursts) > 1 else Oscillation.SINGLE
            ),
        }
        oscillation = oscillations.get(self.pattern)
        if oscillation is None:
            return None
        return {"oscillation": str(oscillation), "rate_hz_est": rate}


MOVEMENT_RESULT_FIELDS = (
    "algorithm_version",
    "quality",
    "quality_reasons",
    "analysed_seconds",
    "frame_rate",
    "dominant_frequency_hz",
    "rhythmicity",
    "waveform_asymmetry",
    "amplitude_index",
    "side_asymmetry",
    "bursts",
    "bursts_clustered",
    "pattern",
    "signal",
    "spectrum",
)
