# Reference within-between (group-mean centring) decomposition for the tests: the `simpson`
# preset's data (tests/reference/data/simpson_preset.csv, written by
# `glmm-explainer simulate --preset simpson`), x split into its group mean and the deviation from it,
#   lmer(y ~ x_within + x_mean + (1 | group))   within and between slopes (REML)
#   lmer(y ~ x + x_mean + (1 | group))          the contextual effect (x_mean's coefficient)
#   lm(y ~ x)                                    the naive pooled slope
# Run from the repository root:  Rscript tests/reference/centring_reference.R
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
d <- read.csv("tests/reference/data/simpson_preset.csv")
d$group <- factor(d$group)
d$x_mean <- ave(d$x, d$group)
d$x_within <- d$x - d$x_mean
tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10))
centred <- lmer(y ~ x_within + x_mean + (1 | group), d, control = tight)
contextual <- lmer(y ~ x + x_mean + (1 | group), d, control = tight)
plain <- lmer(y ~ x + (1 | group), d, control = tight)
pooled <- lm(y ~ x, d)
se <- function(m) sqrt(diag(as.matrix(vcov(m))))
out <- list(
  formula = "y ~ x_within + x_mean + (1 | group)",
  fixef = as.list(fixef(centred)), fixef_se = as.list(se(centred)),
  tau0 = attr(VarCorr(centred)$group, "stddev")[[1]], sigma = sigma(centred),
  contextual = fixef(contextual)[["x_mean"]], contextual_se = se(contextual)[["x_mean"]],
  contextual_x = fixef(contextual)[["x"]],
  mixed_slope = fixef(plain)[["x"]], pooled_slope = coef(pooled)[["x"]],
  loglik_reml = as.numeric(logLik(centred)),
  lme4_version = as.character(packageVersion("lme4")))
dir.create("tests/reference/centring", showWarnings = FALSE)
write_json(out, "tests/reference/centring/simpson_preset.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
