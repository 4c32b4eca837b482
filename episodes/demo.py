"""Demo episodes and small generated videos for `manage.py seed_demo`. Safe to run again."""

import os
from fractions import Fraction
from typing import Any, cast

import av


def synthetic_clip(
    destination,
    *,
    codec: str = "libx264",
    container_format: str = "mp4",
    seconds: float = 1.0,
    size: tuple[int, int] = (96, 64),
    fps: int = 10,
    audio: bool = False,
    rotation: int = 0,
    shade: int = 0,
    metadata: dict[str, str] | None = None,
) -> None:
    """Write a tiny moving-picture clip (a bar sweeping across) with PyAV; `shade` varies the
    picture so that two clips differ byte for byte."""
    width, height = size
    with av.open(destination, mode="w", format=container_format) as out:
        out.metadata.update(metadata or {})
        video = cast(av.VideoStream, out.add_stream(codec, rate=fps))
        video.width, video.height = width, height
        video.pix_fmt = "yuv420p"
        if codec == "libx265":
            video.options = {"x265-params": "log-level=error"}
        if rotation:
            video.set_display_rotation(rotation)
        sound = None
        if audio:
            codec_name = "aac" if container_format != "webm" else "libopus"
            sound = cast(av.AudioStream, out.add_stream(codec_name, rate=48000))
        frames = max(1, int(seconds * fps))
        for index in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            bar = (index * 8) % width
            for number, plane in enumerate(frame.planes):
                line = plane.line_size
                rows = plane.height
                base = (shade * 37 + 60) % 256 if number == 0 else 128
                row = bytearray([base]) * line
                if number == 0:
                    for x in range(bar, min(line, bar + 8)):
                        row[x] = 235
                plane.update(bytes(row) * rows)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            rate = 48000
            samples = int(seconds * rate)
            step = sound.codec_context.frame_size or 1024
            for start in range(0, samples, step):
                silence = av.AudioFrame(format="fltp", layout="stereo", samples=step)
                for channel in silence.planes:
                    channel.update(bytes(channel.buffer_size))
                silence.sample_rate = rate
                silence.pts = start
                silence.time_base = Fraction(1, rate)
                out.mux(sound.encode(silence))
            out.mux(sound.encode(None))


# One scenario per cause family of CLINICAL_CRITERIA.md section 2, as a parent would report it.
SCENARIOS: list[tuple[str, dict[str, Any]]] = [
    (
        "typical jitteriness",
        {
            "state": "awake_crying_or_handled",
            "trigger": "crying_or_hunger",
            "movement_type": "fine_tremor",
            "distribution": "both_legs",
            "symmetry": "symmetric",
            "stops_with_gentle_restraint": "yes",
            "stops_on_waking": "na",
            "eye_signs": "none",
            "consciousness": "alert",
            "after_event": "baseline",
            "duration_s": 15,
        },
    ),
    (
        "startle",
        {
            "state": "awake_calm",
            "trigger": "sudden_noise_or_movement",
            "movement_type": "startle_moro",
            "distribution": "all_limbs",
            "symmetry": "symmetric",
            "clusters": "no",
            "consciousness": "alert",
            "after_event": "cries_then_settles",
            "duration_s": 2,
        },
    ),
    (
        "sleep myoclonus",
        {
            "state": "asleep",
            "trigger": "rocking",
            "movement_type": "myoclonic_jerks",
            "distribution": "both_legs",
            "stops_with_gentle_restraint": "worsens",
            "stops_on_waking": "yes",
            "eye_signs": "none",
            "consciousness": "asleep_unaffected",
            "after_event": "baseline",
            "duration_s": 90,
            "episodes_per_day": 4,
        },
    ),
    (
        "seizure-like",
        {
            "state": "awake_calm",
            "trigger": "none",
            "movement_type": "rhythmic_clonic_jerks",
            "distribution": "one_side_arm_leg",
            "symmetry": "unilateral",
            "stops_with_gentle_restraint": "no",
            "eye_signs": "deviation",
            "autonomic": ["apnea"],
            "consciousness": "altered",
            "after_event": "sleepy",
            "duration_s": 60,
        },
    ),
    (
        "spasm clusters",
        {
            "state": "on_waking",
            "trigger": "waking",
            "movement_type": "spasm_like_flexion_extension",
            "distribution": "head_neck_trunk_limbs",
            "symmetry": "symmetric",
            "clusters": "yes",
            "consciousness": "alert",
            "after_event": "irritable",
            "episodes_per_day": 3,
        },
    ),
    (
        "jitteriness with poor feeding",
        {
            "state": "feeding",
            "movement_type": "coarse_tremor",
            "distribution": "all_limbs",
            "stops_with_gentle_restraint": "partially",
            "associated": ["poor_feeding", "lethargy"],
            "duration_s": 40,
        },
    ),
]
DEMO_NOTE = "Demo episode: {}."
FALLBACK_INFANTS = ["Ada", "Ben", "Cleo"]
DEMO_VIDEOS_PER_CLINIC = 2


def _demo_infants(clinic, doctor):
    from datetime import timedelta

    from django.utils import timezone

    from patients.models import Infant, Sex
    from patients.services import infant_register

    infants = list(Infant.objects.filter(clinic=clinic).order_by("created_at")[:6])
    if infants:
        return infants
    return [
        infant_register(
            clinic=clinic,
            registered_by=doctor,
            mrn=f"EPI-DEMO-{number}",
            given_name=name,
            family_name="Demo",
            sex=Sex.FEMALE if number % 2 else Sex.MALE,
            born_at=timezone.now() - timedelta(days=8 + 20 * number),
            gestational_weeks=39,
            birth_weight_g=3300,
        )
        for number, name in enumerate(FALLBACK_INFANTS, start=1)
    ]


def _reporter(infant, doctor):
    from patients.models import Guardianship

    guardianship = Guardianship.objects.active().filter(infant=infant).first()
    return guardianship.caregiver if guardianship else doctor


def _demo_video(episode, reporter, shade: int, log) -> None:
    import tempfile

    from episodes.intake import ReceivedFile, sha256_of
    from episodes.services import video_process, video_receive

    with tempfile.NamedTemporaryFile(suffix=".mp4", delete=False) as fh:
        path = fh.name
    synthetic_clip(path, codec="libx265", seconds=1.5, shade=shade)
    video, _ = video_receive(
        episode=episode,
        uploaded_by=reporter,
        received=ReceivedFile(
            path=path,
            size=os.path.getsize(path),
            sha256=sha256_of(path),
            filename=f"demo-{shade}.mp4",
        ),
    )
    video_process(video_uuid=video.uuid)
    video.refresh_from_db()
    log(f"  video for {episode.infant}: {video.get_state_display()}")


def seed(log) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from clinics.demo import DEMO_CLINICS
    from clinics.models import AuditChannel, Clinic, User
    from episodes.models import Episode
    from episodes.services import episode_log

    log("Demo episodes:")
    for slug, _name, _tz in DEMO_CLINICS:
        clinic = Clinic.objects.get(slug=slug)
        doctor = User.objects.get(email=f"pediatrician@{slug}.example")
        infants = _demo_infants(clinic, doctor)
        for index, (cause, answers) in enumerate(SCENARIOS):
            infant = infants[index % len(infants)]
            note = DEMO_NOTE.format(cause)
            if Episode.objects.filter(infant=infant, notes=note).exists():
                continue
            reporter = _reporter(infant, doctor)
            episode = episode_log(
                infant=infant,
                reported_by=reporter,
                # Hours ago, never before the infant was born (the demo has a 6-hour-old).
                started_at=max(
                    timezone.now() - timedelta(hours=6 * (index + 1)),
                    infant.born_at + timedelta(minutes=30),
                ),
                channel=AuditChannel.COMMAND,
                notes=note,
                **answers,
            )
            log(f"  {clinic.slug}: {cause} for {infant}")
            if index < DEMO_VIDEOS_PER_CLINIC:
                _demo_video(episode, reporter, shade=index + 7 * len(slug), log=log)
