"""How a finding becomes a question an interviewer would ask.

A real flaw: the interviewer states what they see (the finding's message, durations said
aloud) and asks the question of the rule (RULE_ASK), e.g. "Model X has no baseline to compare
against. What would you compare it with, and by how much must it win to ship?". A rule with no
question of its own is asked "How would you fix that, or why is it acceptable here?".

An unknown (a rule-critical property unset): the interviewer asks for the missing value and
says what it decides, e.g. 'Ranker does not say "p99 latency ms": what is it? Without it I
cannot judge whether the request fits its latency budget.'
"""

from __future__ import annotations

from app.domain.units import humanise_durations

GENERIC_ASK = "How would you fix that, or why is it acceptable here?"

RULE_ASK: dict[str, str] = {
    "R1": "How would a gain on that metric show up in the business KPI, and what guards against "
    "the metric improving while the product gets worse?",
    "R2": "Why does this need a learned model rather than a rule, and what would a simple heuristic score?",
    "R3": "What p99 latency and peak traffic must it meet?",
    "R5": "What is that component for, or should it come out of the design?",
    "R6": "Is that loop intended, and if so, how do you stop it from feeding on its own outputs?",
    "R7": "Could you rebuild exactly the model that is serving today from its data, code and parameters?",
    "R8": "Which model produces what that endpoint returns?",
    "R9": "Where do the labels come from, and how long do they take to arrive?",
    "R10": "What should that monitor watch, and what would it catch?",
    "R11": "When a monitor fires, who hears about it, and how fast?",
    "R12": "How is that personal data protected before it reaches the model (consent, access, retention)?",
    "R13": "What stops a broken upstream batch (empty, shifted, mis-typed) from reaching the model?",
    "R14": "What tells you the model is degrading before the labels arrive?",
    "R15": "Who owns that data, and can you reproduce the snapshot a model was trained on?",
    "R16": "How do you guarantee the features are computed the same way in training and in serving?",
    "R17": "How do you split data that is ordered in time so that no future leaks into training?",
    "R18": "Is that feature known at prediction time, or only after the fact?",
    "R19": "With labels that imbalanced, which metric stays meaningful, and why not accuracy?",
    "R20": "How do you correct the scores for that sampling before anything reads them as probabilities?",
    "R21": "With that many features, how do you find the ones that matter and drop the ones that don't?",
    "R22": "What would you compare it with, and by how much must it win to ship?",
    "R23": "How do you explain its decisions to the people who must be able to contest them?",
    "R24": "Where does the time go, and what gives when the budget is exceeded?",
    "R25": "How are its hyper-parameters chosen and its generalisation checked before release?",
    "R26": "Which segments could it fail on while the average looks fine, and how do you check them?",
    "R27": "How is the threshold re-derived when a retrained model shifts the score distribution?",
    "R28": "What must a new model pass before it replaces the one serving?",
    "R29": "How does a new model reach users safely, and how quickly can you roll it back?",
    "R30": "What does the caller get when the model is slow or down?",
    "R31": "Is that the right serving mode for how fresh the predictions must be?",
    "R32": "How old can the model get before it hurts, and what triggers a retrain?",
    "R33": "Who else reads those predictions, and what breaks for them when the model changes?",
    "R34": "What does it cost per request at peak, and what caps that cost?",
    "R35": "How would you notice that its inputs or its predictions have drifted?",
    "R36": "Who is paged when it gets slow or starts failing?",
    "R37": "How will you show online that it moves the KPI, and not only the offline metric?",
    "R38": "Treatment and control share the same supply: how do you keep them from contaminating each "
    "other (switchback, geo or cluster randomisation)?",
    "R39": "How do you keep the model from learning only from what it chose to show (exploration, "
    "holdout traffic)?",
    "R40": "Can you reconstruct exactly which feature values each prediction saw?",
    "R41": "How do you keep the two code paths computing the same features?",
    "R42": "Is that feature known at prediction time, or written after the outcome?",
    "R43": "Those scores are read as probabilities: how are they calibrated, and how is that checked?",
    "R44": "How do you correct the clicks for where the items were shown?",
    "R45": "Do the labels mature before each retrain reads them, and what happens to the ones that don't?",
    "R46": "Which online measurement confirms that the offline metric moves the product?",
    "R47": "How are new users and new items served before they have any history?",
    "R48": "Why do the logs need that personal data, and how is it protected or removed?",
    "R49": "What happens to the second model when the first one is retrained or changes behaviour?",
    "R50": "The outcomes of the cases the system turned away are never observed: how do you correct "
    "for that?",
    "R51": "What stops a prompt edit or a new model version from silently changing the answers?",
    "R52": "Once the adversaries adapt, how quickly do you see it, and how quickly does the model follow?",
    "R53": "How good are those labels, and how would you know if the annotators got worse?",
    "R54": "What else did you consider, and why did this one win?",
    "R55": "How many replicas does peak traffic need, and what happens when a burst or a lost "
    "replica pushes the rest past their capacity?",
    "R56": "What happens to the items the reviewers cannot reach in a day, and who decides what waits?",
    "R57": "What does that store answer at peak, and what takes the load when it saturates?",
    "R58": "How long do you need that data, and what deletes it after that?",
}

# What an unset property keeps the interviewer from judging, by rule.
RULE_CONCERN: dict[str, str] = {
    "R3": "whether the endpoint has latency and throughput targets",
    "R7": "whether the model can be rebuilt",
    "R9": "whether the task needs labels",
    "R11": "whether anyone is alerted",
    "R12": "whether personal data reaches the model unprotected",
    "R24": "whether the request fits its latency budget",
    "R25": "whether the model is validated before release",
    "R26": "whether the evaluation would catch a failing segment",
    "R27": "whether the threshold follows the retrained model",
    "R29": "whether the rollout is safe",
    "R33": "who depends on the predictions",
    "R18": "whether a feature leaks the label",
    "R41": "whether training and serving compute the features alike",
    "R43": "whether the scores can be read as probabilities",
    "R44": "whether the clicks are corrected for where items were shown",
    "R45": "whether the labels are mature when training reads them",
    "R46": "whether an online check backs the offline metric",
    "R48": "whether personal data ends up in the prediction logs",
    "R49": "whether a change upstream silently shifts what this model learns",
    "R52": "whether the system faces adversaries who adapt",
    "R53": "whether the labels are good enough to learn from",
    "R34": "whether the system fits its cost budget",
    "R55": "whether the fleet carries the peak load",
    "R56": "whether the reviewers keep up",
    "R57": "whether the store sustains its peak load",
    "R47": "how new users and items are served",
}


def _sentence(text: str) -> str:
    text = " ".join(humanise_durations(text).split()).rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def finding_question(rule: str, message: str) -> str:
    """A real flaw as an interviewer raises it: what they see, then their question."""
    return f"{_sentence(message)} {RULE_ASK.get(rule, GENERIC_ASK)}"


def _either(props: list[str]) -> str:
    quoted = [f'"{p}"' for p in props]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def unknown_question(rule: str, title: str, asked: dict[str, list[str]]) -> str:
    """An unknown as an interviewer asks for it: component name -> the unset properties."""
    parts = [f"{name} does not say {_either(props)}" for name, props in asked.items()]
    one = sum(len(p) for p in asked.values()) == 1
    concern = RULE_CONCERN.get(rule, f'the "{title}" check')
    what, it = ("what is it", "it") if one else ("what are they", "them")
    return f"{'; '.join(parts)}: {what}? Without {it} I cannot judge {concern}."
