"""The analysis' figures in a clinician's words (no Django: the command prints them too)."""

PATTERN_WORDS = {
    "tremor_like": "tremor-like",
    "clonic_like": "clonic-like",
    "myoclonic_like": "myoclonic-like",
    "spasm_like": "spasm-like",
    "no_rhythmic_movement": "no rhythmic movement",
}
FAST_SLOW_FROM = 0.35
EQUAL_UNDER = 0.2


def side_words(side: float | None) -> str:
    """Sides as the picture shows them: facing the camera, the infant's right is on the left."""
    if side is None:
        return ""
    where = "right" if side > 0 else "left"
    if abs(side) <= 0.3:
        return "both sides equally"
    if abs(side) < 0.8:
        return f"stronger on the {where} of the picture"
    return f"only on the {where} of the picture"


def amplitude_words(amplitude: float | None) -> str:
    if amplitude is None:
        return ""
    if amplitude < 0.05:
        return "small amplitude"
    if amplitude < 0.15:
        return "moderate amplitude"
    return "large amplitude"


def describe(result: dict) -> str:
    """One sentence, e.g. "rhythmic, about 6.5 per second, equal back-and-forth, both sides
    equally, small amplitude: tremor-like"."""
    if result.get("quality") != "good":
        reasons = ", ".join(result.get("quality_reasons") or []) or "no reason recorded"
        return f"Not measured reliably ({reasons}): watch the video."
    pattern = result.get("pattern")
    parts = []
    if pattern in ("tremor_like", "clonic_like"):
        parts.append(f"rhythmic, about {result['dominant_frequency_hz']:.1f} per second")
        asymmetry = result.get("waveform_asymmetry")
        if asymmetry is not None and asymmetry >= FAST_SLOW_FROM:
            parts.append("with a fast and a slow phase")
        elif asymmetry is not None and asymmetry < EQUAL_UNDER:
            parts.append("equal back-and-forth")
    elif pattern == "myoclonic_like":
        count = len(result.get("bursts") or [])
        parts.append(f"{count} brief irregular jerk{'s' if count != 1 else ''}, no steady rhythm")
    elif pattern == "spasm_like":
        count = len(result.get("bursts") or [])
        clustered = " in a cluster" if result.get("bursts_clustered") else ""
        parts.append(f"{count} movement{'s' if count != 1 else ''} of 1-2 seconds{clustered}")
    else:
        parts.append("no steady rhythm")
    parts += [w for w in (side_words(result.get("side_asymmetry")),) if w]
    parts += [w for w in (amplitude_words(result.get("amplitude_index")),) if w]
    return f"{', '.join(parts)}: {PATTERN_WORDS.get(pattern or '', 'no pattern')}"
