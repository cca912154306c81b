package io.blueshift.api;

import io.blueshift.operators.plan.PlanNode;
import io.blueshift.sql.PlanningTimes;

/** A physical plan and where its planning time went. */
public record PlannedQuery(PlanNode plan, PlanningTimes times) {}
