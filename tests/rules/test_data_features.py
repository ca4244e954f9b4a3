"""R12-R21: data and features."""

from __future__ import annotations

from tests.rules.helpers import add_metric, findings, fired, unspecified

# ---- R12 ---------------------------------------------------------------------------------


def test_r12_fires_when_personal_data_reaches_a_dataset_ungoverned(builder):
    source = builder.add("data_source", "Users", contains_pii=True)
    dataset = builder.add("dataset", "Training set")
    store = builder.add("feature_store", "Store")
    builder.chain(source, dataset, store)
    [finding] = findings(builder.design, "R12")
    assert finding.severity == "error"
    # Reported where personal data first lands; governance there protects what follows.
    assert finding.components == (source, dataset)
    assert finding.message == (
        "Users contains personal data and reaches Training set without passing a governance component "
        "that protects it"
    )


def test_r12_quiet_behind_governance(builder):
    source = builder.add("data_source", "Users", contains_pii=True)
    governance = builder.add("governance", "Anonymise", controls=["anonymize"])
    builder.chain(source, governance, builder.add("dataset"))
    assert findings(builder.design, "R12") == []


def test_r12_fires_behind_governance_whose_controls_do_not_protect(builder):
    source = builder.add("data_source", "Users", contains_pii=True)
    gov = builder.add("governance", "Encrypt", controls=["encrypt"])
    dataset = builder.add("dataset", "Training set")
    builder.chain(source, gov, dataset)
    [finding] = findings(builder.design, "R12")
    assert finding.components == (source, gov, dataset) and "controls encrypt" in finding.message
    builder.design.component_by_id()[gov].properties["controls"] = []
    [finding] = findings(builder.design, "R12")
    assert "controls none" in finding.message


def test_r12_fires_for_gdpr_governance_without_retention(builder):
    source = builder.add("data_source", "Users", contains_pii=True)
    gov = builder.add("governance", "Access", controls=["anonymize", "access_control"], regulation="gdpr")
    builder.chain(source, gov, builder.add("dataset"))
    [finding] = findings(builder.design, "R12")
    assert gov in finding.components and "no retention under its regulation" in finding.message


def test_r12_says_when_governance_controls_are_unset(builder):
    source = builder.add("data_source", "Users", contains_pii=True)
    gov = builder.add("governance", "Privacy step")
    builder.chain(source, gov, builder.add("dataset"))
    [finding] = findings(builder.design, "R12")
    assert finding.unset == (f"{gov}.controls",) and finding.severity == "warning"


def test_r12_fires_when_personal_data_is_embedded_into_a_vector_index(builder):
    """Support tickets embedded for retrieval: the index keeps the personal text; the model that
    embeds them sits upstream of the index, so no dataset, store or model is downstream."""
    tickets = builder.add("data_source", "Tickets", contains_pii=True)
    embedder = builder.add("model", "Embedder", provenance="pretrained")
    index = builder.add("vector_index", "Ticket index")
    builder.chain(tickets, index, builder.add("retriever"), builder.add("endpoint", mode="online"))
    builder.link(embedder, index)
    [finding] = fired(builder.design, "R12")
    assert finding.components == (tickets, index)
    governance = builder.add("governance", "Redact", controls=["anonymize"])
    builder.design.links[:] = [lk for lk in builder.design.links if lk.source != tickets]
    builder.design.invalidate_indexes()
    builder.chain(tickets, governance, index)
    assert findings(builder.design, "R12") == []


def test_r12_quiet_without_personal_data(builder):
    builder.link(builder.add("data_source", contains_pii=False), builder.add("model"))
    assert findings(builder.design, "R12") == []


def test_r12_says_when_contains_pii_is_unspecified(builder):
    builder.link(builder.add("data_source", "Users"), builder.add("model", "Model"))
    assert unspecified(builder.design, "R12") == [
        "contains_pii of Users is unset: it reaches Model without a governance step"
    ]


# ---- R13 ---------------------------------------------------------------------------------


def test_r13_fires_when_training_reads_unvalidated_data(builder):
    source = builder.add("data_source", "Events")
    job = builder.add("training_job", "Train")
    builder.link(source, job)
    [finding] = findings(builder.design, "R13")
    assert finding.components == (source, job)
    assert finding.message == "Training job Train reads Events with no blocking data validation on the way"


def test_r13_quiet_with_validation_before_training(builder):
    check = builder.add("data_validation", checks=["schema"], blocking=True, where="train")
    builder.chain(builder.add("data_source"), check, builder.add("training_job"))
    assert findings(builder.design, "R13") == []


def test_r13_fires_for_a_validation_that_does_not_block_or_checks_nothing(builder):
    source = builder.add("data_source", "Events")
    check = builder.add("data_validation", "Log-only checks", checks=["schema"], blocking=False, where="both")
    job = builder.add("training_job", "Train")
    builder.chain(source, check, job)
    [finding] = findings(builder.design, "R13")
    assert finding.components == (source, check, job) and "does not block" in finding.message
    builder.design.component_by_id()[check].properties.update(blocking=True, checks=[])
    assert len(fired(builder.design, "R13")) == 1


def test_r13_says_when_blocking_is_unset(builder):
    check = builder.add("data_validation", "Checks", checks=["schema"], where="train")
    builder.chain(builder.add("data_source"), check, builder.add("training_job"))
    [finding] = findings(builder.design, "R13")
    assert finding.unset == (f"{check}.blocking",)


def _online_serving(builder):
    source = builder.add("data_source", "Requests")
    model = builder.add("model", "Model")
    endpoint = builder.add("endpoint", "API", mode="online")
    builder.link(source, model, phase="serve")
    builder.link(model, endpoint)
    return source, model, endpoint


def test_r13_fires_for_online_endpoint_fed_unvalidated_and_unmonitored(builder):
    _, _, endpoint = _online_serving(builder)
    builder.link(builder.add("monitor", "Latency", watches=["latency"]), endpoint)
    [finding] = findings(builder.design, "R13")
    assert finding.components == (endpoint,)
    assert "no monitor watches data_quality" in finding.message


def test_r13_quiet_for_online_endpoint_with_data_quality_monitor(builder):
    _, _, endpoint = _online_serving(builder)
    builder.link(builder.add("monitor", "Quality", watches=["data_quality"]), endpoint)
    assert findings(builder.design, "R13") == []


def test_r13_fires_for_online_endpoint_when_only_the_training_set_is_watched(builder):
    source, model, endpoint = _online_serving(builder)
    dataset, job = builder.add("dataset", "Training set"), builder.add("training_job", "Train")
    builder.chain(source, dataset, job, model)
    builder.link(builder.add("monitor", "Training data", watches=["data_quality"]), dataset)
    [finding] = [f for f in fired(builder.design, "R13") if f.components == (endpoint,)]
    assert "no monitor watches data_quality" in finding.message


def test_r13_quiet_for_online_endpoint_with_serving_validation(builder):
    source = builder.add("data_source", "Requests")
    check = builder.add("data_validation", "Request checks", where="serve", checks=["schema", "range"])
    model = builder.add("model", "Model")
    builder.chain(source, check, model, phase="serve")
    builder.link(model, builder.add("endpoint", "API", mode="online"))
    assert findings(builder.design, "R13") == []


# ---- R14 ---------------------------------------------------------------------------------


def test_r14_fires_for_late_labels_without_drift_monitor(builder):
    labels = builder.add("label_source", "Chargebacks", delay_hours=720.0)
    builder.add("monitor", "Latency", watches=["latency"])
    [finding] = findings(builder.design, "R14")
    assert finding.components == (labels,)
    assert "arrive 720 h late" in finding.message


def test_r14_quiet_with_a_prediction_drift_monitor(builder):
    builder.add("label_source", "Chargebacks", delay_hours=720.0)
    builder.add("monitor", "Drift", watches=["prediction_drift"])
    assert findings(builder.design, "R14") == []


def _late_pipeline(builder, name, delay, watches):
    labels = builder.add("label_source", f"{name} labels", delay_hours=delay)
    endpoint = builder.add("endpoint", f"{name} API", mode="online")
    builder.chain(labels, builder.add("training_job"), builder.add("model"), endpoint)
    builder.link(builder.add("monitor", f"{name} monitor", watches=watches, alerting=True), endpoint)
    return labels, endpoint


def test_r14_fires_when_only_another_models_endpoint_is_watched_for_drift(builder):
    labels, endpoint = _late_pipeline(builder, "Chargeback", 720.0, ["latency", "errors"])
    _late_pipeline(builder, "Search", 1.0, ["data_drift"])
    [finding] = fired(builder.design, "R14")
    assert finding.components == (labels, endpoint)
    assert "no monitor near Chargeback API in production" in finding.message


def test_r14_quiet_with_drift_watched_near_the_endpoint_the_late_labels_judge(builder):
    _late_pipeline(builder, "Chargeback", 720.0, ["prediction_drift"])
    _late_pipeline(builder, "Search", 1.0, ["latency"])
    assert findings(builder.design, "R14") == []


def test_r14_quiet_for_fast_labels(builder):
    builder.add("label_source", "Clicks", delay_hours=0.5)
    assert findings(builder.design, "R14") == []


def test_r14_says_when_delay_is_unspecified(builder):
    builder.add("label_source", "Clicks")
    assert unspecified(builder.design, "R14")[0].startswith("delay_hours of Clicks is unset")


# ---- R15 ---------------------------------------------------------------------------------


def test_r15_fires_for_unowned_unversioned_source(builder):
    source = builder.add("data_source", "Events", versioned=False)
    [finding] = findings(builder.design, "R15")
    assert finding.severity == "info" and finding.components == (source,)
    assert finding.message == "Data source Events has no owner and is not versioned"


def test_r15_quiet_for_owned_versioned_source(builder):
    builder.add("data_source", "Events", owner="payments", versioned=True)
    assert findings(builder.design, "R15") == []


def test_r15_fires_for_an_owner_written_as_a_placeholder(builder):
    source = builder.add("data_source", "Events", owner="TBD", versioned=True)
    [finding] = fired(builder.design, "R15")
    assert finding.message == "Data source Events has a placeholder for an owner"
    for placeholder in ("unknown", " ? ", "N/A", "none"):
        builder.design.component_by_id()[source].properties["owner"] = placeholder
        assert len(fired(builder.design, "R15")) == 1, placeholder
    builder.design.component_by_id()[source].properties["owner"] = "Tbd-platform team"
    assert findings(builder.design, "R15") == []


# ---- R16 ---------------------------------------------------------------------------------


def _skew_design(builder, serve_input_kind: str = "data_source", **props):
    history = builder.add("data_source", "History")
    job = builder.add("training_job", "Train")
    model = builder.add("model", "Ranker")
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    builder.chain(history, job, model)
    builder.link(model, endpoint)
    serve_input = builder.add(serve_input_kind, "Request features", **props)
    builder.link(serve_input, model, phase="serve")
    return serve_input, model, endpoint


def test_r16_fires_for_a_serve_input_not_used_in_training(builder):
    serve_input, model, endpoint = _skew_design(builder, "data_source")
    [finding] = findings(builder.design, "R16")
    assert finding.severity == "error"
    assert finding.components == (model, endpoint, serve_input)
    assert "training/serving skew" in finding.message and "Request features" in finding.message


def test_r16_fires_for_an_online_store_that_no_training_pipeline_fills(builder):
    # An online store is no guarantee: what fills it must be what training reads.
    store, model, endpoint = _skew_design(builder, "feature_store", online=True)
    [finding] = findings(builder.design, "R16")
    assert finding.components == (model, endpoint, store)


def test_r16_quiet_with_an_online_store_filled_by_the_training_pipeline(builder):
    store, _, _ = _skew_design(builder, "feature_store", online=True)
    pipeline = builder.add("feature_pipeline", "Features", shared_train_serve=True)
    builder.link(pipeline, store)
    builder.link(pipeline, builder.design.components[1].id)  # -> training job
    assert findings(builder.design, "R16") == [] and findings(builder.design, "R41") == []


def test_r16_quiet_when_the_input_also_feeds_training(builder):
    serve_input, _, _ = _skew_design(builder, "data_source")
    builder.link(serve_input, builder.design.components[1].id)  # -> training job
    assert findings(builder.design, "R16") == []


def test_r16_quiet_through_a_cache_in_front_of_an_online_store(builder):
    history = builder.add("data_source", "History")
    job = builder.add("training_job", "Train")
    model = builder.add("model", "Ranker")
    builder.chain(history, job, model)
    builder.link(model, builder.add("endpoint", "Feed API", mode="online"))
    store = builder.add("feature_store", "Store", online=True)
    builder.link(store, job)
    cache = builder.add("cache", "Feature cache", cache_type="feature")
    builder.chain(store, cache, model, phase="serve")
    assert findings(builder.design, "R16") == []


def test_r16_quiet_for_a_vendor_model(builder):
    serve_input, model, _ = _skew_design(builder, "data_source")
    builder.design.component_by_id()[model].properties["provenance"] = "vendor_api"
    assert findings(builder.design, "R16") == []


# ---- R17 ---------------------------------------------------------------------------------


def test_r17_fires_for_random_split_of_time_series(builder):
    dataset = builder.add("dataset", "Sales", is_time_series=True, split="random")
    [finding] = findings(builder.design, "R17")
    assert finding.components == (dataset,) and "is split at random" in finding.message


def test_r17_fires_for_kfold_on_time_series(builder):
    dataset = builder.add("dataset", "Sales", is_time_series=True, split="time")
    job = builder.add("training_job", "Train", cv="kfold")
    builder.link(dataset, job)
    [finding] = findings(builder.design, "R17")
    assert finding.components == (dataset, job) and "k-fold in Train" in finding.message


def test_r17_quiet_with_time_split_and_time_series_cv(builder):
    dataset = builder.add("dataset", "Sales", is_time_series=True, split="time")
    builder.link(dataset, builder.add("training_job", cv="time_series_cv"))
    assert findings(builder.design, "R17") == []


def test_r17_says_when_is_time_series_is_unspecified(builder):
    builder.add("dataset", "Sales", split="random")
    assert fired(builder.design, "R17") == []
    assert unspecified(builder.design, "R17") == [
        "is_time_series of Sales is unset: it is split at random, which leaks if its rows are ordered in time"
    ]


def test_r17_fires_for_rows_drawn_from_a_time_series_and_split_at_random(builder):
    """The time series is split by time, but the join that builds the training rows from it
    is split at random: the rows are just as ordered in time."""
    series = builder.add("dataset", "Daily demand", is_time_series=True, split="time")
    rows = builder.add("dataset", "Training rows", split="random")
    join = builder.add("data_pipeline", "Join")
    builder.chain(series, join, rows, builder.add("training_job", cv="holdout"))
    [finding] = fired(builder.design, "R17")
    assert finding.components == (rows,) and finding.severity == "error"
    assert "is drawn from Daily demand, which is a time series" in finding.message
    builder.design.component_by_id()[rows].properties["split"] = "time"
    assert findings(builder.design, "R17") == []


# ---- R18 ---------------------------------------------------------------------------------


def test_r18_fires_for_transforms_fit_on_all_data(builder):
    pipeline = builder.add("feature_pipeline", "Scaler", fit_on="all_data")
    [finding] = findings(builder.design, "R18")
    assert finding.components == (pipeline,)


def test_r18_fires_as_an_error_for_target_encoding_fit_on_all_data(builder):
    pipeline = builder.add("feature_pipeline", "Encoders", ops=["target_encode"], fit_on="all_data")
    [finding] = findings(builder.design, "R18")
    assert finding.severity == "error" and "test labels" in finding.message
    builder.design.component_by_id()[pipeline].properties["ops"] = ["embed"]  # nothing is fit
    assert findings(builder.design, "R18") == []


def test_r18_quiet_with_train_only_fit_and_point_in_time_joins(builder):
    builder.add("feature_pipeline", "Scaler", fit_on="train_only")
    store = builder.add("feature_store", "Store", point_in_time=True)
    dataset = builder.add("dataset", "Sales", is_time_series=True, split="time")
    builder.chain(store, dataset, builder.add("training_job"))
    assert findings(builder.design, "R18") == []


def test_r18_fires_for_oversampling_before_the_split(builder):
    smote = builder.add("sampling_strategy", "SMOTE", method="smote", weighted_correction=True)
    dataset = builder.add("dataset", "Claims", split="stratified")
    builder.chain(builder.add("data_source", "Claims DB"), smote, dataset, builder.add("training_job"))
    [finding] = findings(builder.design, "R18")
    assert finding.components == (smote, dataset) and finding.severity == "warning"
    assert "copies of the same rows land in both training and test" in finding.message


def test_r18_quiet_for_oversampling_after_the_split(builder):
    dataset = builder.add("dataset", "Claims", split="stratified")
    smote = builder.add("sampling_strategy", "SMOTE", method="smote", weighted_correction=True)
    balanced = builder.add("dataset", "Balanced training rows")
    source, job = builder.add("data_source", "Claims DB"), builder.add("training_job")
    builder.chain(source, dataset, smote, balanced, job)
    assert findings(builder.design, "R18") == []


def test_r18_quiet_for_undersampling_before_the_split(builder):
    sampling = builder.add("sampling_strategy", "Drop negatives", method="undersample")
    builder.chain(builder.add("data_source"), sampling, builder.add("dataset", split="random"))
    assert findings(builder.design, "R18") == []


# ---- R19 ---------------------------------------------------------------------------------


def _imbalanced(builder, rate=0.02):
    add_metric(builder, "Accuracy", "accuracy")
    return builder.add("label_source", "Fraud labels", positive_rate=rate)


def test_r19_fires_for_rare_positives_measured_by_accuracy(builder):
    labels = _imbalanced(builder)
    [finding] = findings(builder.design, "R19")
    assert finding.components == (builder.design.components[0].id, labels)
    assert "are 2% positive" in finding.message and "scores 98%" in finding.message


def test_r19_quiet_with_a_minority_class_metric(builder):
    _imbalanced(builder)
    add_metric(builder, "PR-AUC", "pr_auc")
    assert findings(builder.design, "R19") == []


def test_r19_fires_whatever_the_sampling(builder):
    # Class weights help training; the metric still cannot see the minority class.
    _imbalanced(builder)
    builder.add("sampling_strategy", method="class_weight")
    add_metric(builder, "ROC-AUC", "roc_auc")
    assert len(findings(builder.design, "R19")) == 1


def test_r19_says_when_a_metric_is_nameless(builder):
    _imbalanced(builder)
    nameless = add_metric(builder, "Offline metric", None)
    [finding] = findings(builder.design, "R19")
    assert finding.unset == (f"{nameless}.name",)


def test_r19_quiet_for_balanced_labels(builder):
    _imbalanced(builder, rate=0.4)
    assert findings(builder.design, "R19") == []


def test_r19_fires_when_the_negatives_are_the_rare_class(builder):
    _imbalanced(builder, rate=0.98)
    [finding] = fired(builder.design, "R19")
    assert "are 98% positive" in finding.message and "predicting positive scores 98%" in finding.message


def test_r19_fires_when_only_another_models_metric_sees_the_minority(builder):
    """Fraud is judged by accuracy on its evaluation; PR-AUC judges the second model only."""
    fraud = builder.add("label_source", "Chargebacks", positive_rate=0.01)
    fraud_eval = builder.add("evaluation", "Fraud evaluation")
    builder.chain(fraud, builder.add("training_job"), builder.add("model", "Fraud model"), fraud_eval)
    builder.link(add_metric(builder, "Accuracy", "accuracy"), fraud_eval)
    reviews = builder.add("label_source", "Review verdicts", positive_rate=0.02)
    review_eval = builder.add("evaluation", "Triage evaluation")
    builder.chain(reviews, builder.add("training_job"), builder.add("model", "Triage model"), review_eval)
    pr_auc = add_metric(builder, "PR-AUC", "pr_auc")
    builder.link(pr_auc, review_eval)
    [finding] = fired(builder.design, "R19")
    assert fraud in finding.components and reviews not in finding.components
    builder.link(pr_auc, fraud_eval)
    assert findings(builder.design, "R19") == []


def _fraud_scores_feed_a_ranker(builder, via=None):
    """Chargebacks train the fraud model, judged by accuracy; its scores feed a review ranker
    (directly or through `via`) that has its own evaluation, judged by PR-AUC."""
    labels = builder.add("label_source", "Chargebacks", positive_rate=0.01)
    fraud, fraud_eval = builder.add("model", "Fraud model"), builder.add("evaluation", "Fraud evaluation")
    builder.chain(labels, builder.add("training_job"), fraud, fraud_eval)
    accuracy = add_metric(builder, "Accuracy", "accuracy")
    builder.link(accuracy, fraud_eval)
    ranker_eval = builder.add("evaluation", "Ranker evaluation")
    builder.chain(fraud, *([via] if via else []), builder.add("model", "Review ranker"), ranker_eval)
    builder.link(add_metric(builder, "PR-AUC", "pr_auc"), ranker_eval)
    return labels, accuracy, fraud_eval


def test_r19_fires_when_only_a_downstream_models_metric_sees_the_minority(builder):
    """PR-AUC judges the ranker fed by the fraud model's scores, not the fraud model."""
    labels, accuracy, _ = _fraud_scores_feed_a_ranker(builder)
    [finding] = fired(builder.design, "R19")
    assert finding.components == (labels, accuracy) and "judged only by accuracy" in finding.message


def test_r19_fires_when_the_scores_reach_the_downstream_model_through_a_store(builder):
    _fraud_scores_feed_a_ranker(builder, via=builder.add("feature_store", "Risk features"))
    assert len(fired(builder.design, "R19")) == 1


def test_r19_quiet_when_the_imbalanced_model_itself_is_judged_by_pr_auc(builder):
    _, _, fraud_eval = _fraud_scores_feed_a_ranker(builder)
    builder.link(add_metric(builder, "Fraud PR-AUC", "pr_auc"), fraud_eval)
    assert findings(builder.design, "R19") == []


def test_r19_says_when_positive_rate_is_unspecified(builder):
    add_metric(builder, "Accuracy", "accuracy")
    builder.add("label_source", "Labels")
    assert unspecified(builder.design, "R19")[0].startswith("positive_rate of Labels is unset")


# ---- R20 ---------------------------------------------------------------------------------


def _sampled_into_threshold(builder, **sampling):
    sampler = builder.add("sampling_strategy", "Undersampling", **sampling)
    job, model = builder.add("training_job"), builder.add("model")
    policy = builder.add("decision_policy", "Block if > t", policy_type="threshold")
    builder.chain(sampler, job, model, policy)
    return sampler, policy


def test_r20_fires_for_uncorrected_undersampling_before_a_threshold(builder):
    sampler, policy = _sampled_into_threshold(builder, method="undersample", weighted_correction=False)
    [finding] = findings(builder.design, "R20")
    assert finding.components == (sampler, policy)
    assert "undersample without weighted correction" in finding.message


def test_r20_quiet_with_weighted_correction(builder):
    _sampled_into_threshold(builder, method="undersample", weighted_correction=True)
    assert findings(builder.design, "R20") == []


def test_r20_fires_for_oversampling_too(builder):
    sampler, policy = _sampled_into_threshold(builder, method="oversample", weighted_correction=False)
    [finding] = findings(builder.design, "R20")
    assert finding.components == (sampler, policy)


def test_r20_quiet_for_class_weights(builder):
    _sampled_into_threshold(builder, method="class_weight", weighted_correction=False)
    assert findings(builder.design, "R20") == []


def test_r20_fires_for_negative_sampling_before_an_auction(builder):
    sampler = builder.add(
        "sampling_strategy", "Negatives", method="negative_sampling", weighted_correction=False
    )
    job, model = builder.add("training_job"), builder.add("model")
    auction = builder.add("decision_policy", "Auction", policy_type="optimizer")
    builder.chain(sampler, job, model, auction)
    [finding] = findings(builder.design, "R20")
    assert finding.components == (sampler, auction)


def test_r20_quiet_for_negatives_sampled_for_a_retrieval_model_a_ranker_rescores(builder):
    """In-batch negatives shift the retrieval model's scores, but only its order reaches the
    ranker; the threshold reads the ranker's scores, trained by its own job."""
    sampler = builder.add("sampling_strategy", "In-batch negatives", method="negative_sampling",
                          weighted_correction=False)  # fmt: skip
    retrieval, ranker = builder.add("model", "Retrieval"), builder.add("model", "Ranker")
    policy = builder.add("decision_policy", "Cut", policy_type="threshold", threshold_source="manual")
    builder.chain(sampler, builder.add("dataset"), builder.add("training_job"), retrieval, ranker)
    builder.chain(builder.add("training_job"), ranker, builder.add("endpoint"), policy)
    assert findings(builder.design, "R20") == []
    builder.link(retrieval, policy)  # the policy now reads the retrieval scores too
    [finding] = fired(builder.design, "R20")
    assert finding.components == (sampler, policy)


# ---- R21 ---------------------------------------------------------------------------------


def test_r21_fires_for_many_features_without_importance(builder):
    pipeline = builder.add("feature_pipeline", "Features", n_features=450)
    [finding] = findings(builder.design, "R21")
    assert finding.severity == "info" and finding.components == (pipeline,)
    assert "produces 450 features" in finding.message


def test_r21_quiet_with_feature_importance(builder):
    builder.add("feature_pipeline", "Features", n_features=450)
    builder.add("feature_importance", method="shap")
    assert findings(builder.design, "R21") == []


def test_r21_quiet_for_few_features(builder):
    builder.add("feature_pipeline", "Features", n_features=40)
    assert findings(builder.design, "R21") == []


def test_r21_fires_for_many_features_from_several_pipelines_into_one_job(builder):
    users = builder.add("feature_pipeline", "User features", n_features=80)
    items = builder.add("feature_pipeline", "Item features", n_features=70)
    job = builder.add("training_job", "Train")
    builder.link(users, job)
    builder.link(items, job)
    [finding] = fired(builder.design, "R21")
    assert finding.components == (users, items, job) and "reads 150 features" in finding.message
    builder.link(job, builder.add("feature_importance", method="shap"))
    assert findings(builder.design, "R21") == []


def test_r21_counts_a_pipeline_the_job_reads_through_another_one_once(builder):
    """Sessions (60 features) feed the aggregates (60), which the job reads: it reads 60, not
    120 (the first pipeline's features were counted again in the sum)."""
    sessions = builder.add("feature_pipeline", "Session features", n_features=60)
    aggregates = builder.add("feature_pipeline", "Aggregates", n_features=60)
    job = builder.add("training_job", "Train")
    builder.chain(builder.add("data_source"), sessions, aggregates, builder.add("feature_store"), job)
    assert fired(builder.design, "R21") == []
    items = builder.add("feature_pipeline", "Item features", n_features=50)
    builder.link(items, job)  # read beside the aggregates: 110
    [finding] = fired(builder.design, "R21")
    assert finding.components == (aggregates, job, items) and "reads 110 features" in finding.message


def test_r21_fires_when_the_importance_analysis_covers_another_model(builder):
    fraud = builder.add("feature_pipeline", "Fraud features", n_features=400)
    fraud_model = builder.add("model", "Fraud model")
    builder.chain(fraud, builder.add("training_job"), fraud_model)
    rank_job = builder.add("training_job")
    builder.chain(builder.add("feature_pipeline", n_features=50), rank_job, builder.add("model"))
    builder.link(rank_job, builder.add("feature_importance", method="shap"))
    [finding] = fired(builder.design, "R21")
    assert finding.components == (fraud,)
    builder.link(fraud_model, builder.add("feature_importance", method="permutation"))
    assert findings(builder.design, "R21") == []
