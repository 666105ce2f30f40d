# Reference shrinkage for the tests: lme4's ranef(condVar = TRUE) at its true optimum.
# Run from the repository root:  Rscript tests/reference/condvar_reference.R
# For every case the shrinkage of group j for random term k is lme4's own
#   1 - postVar[k, k, j] / VarCorr[k, k]
# i.e. the documented 1 - Var(b_j | y) / tau^2 with the MARGINAL conditional variance of that
# term (the diagonal of the q x q condVar block), not the variance given the other terms.
# lmer and glmer are refitted with tight settings (glmer: tolPwrss = 1e-12, bobyqa with a small
# final trust radius) and the best log-likelihood is kept. Factor predictors are exported as
# numeric dummy columns so the fixtures do not depend on the formula language. Each fixture also
# holds summary()'s text, its scaled-residual quantiles and the fixed effects' correlation, for
# the readable summary's tests (tests/test_summary.py).
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
out <- "tests/reference/condvar"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
tight_lmer <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10),
                          check.conv.singular = "ignore")
tight_glmer <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12,
                            optCtrl = list(maxfun = 1e5, rhoend = 1e-10), check.conv.singular = "ignore")

dump <- function(name, formula, data, family = NULL, trials = NULL, group) {
  if (is.null(family)) {
    fits <- list(default = lmer(formula, data, REML = TRUE),
                 tight = lmer(formula, data, REML = TRUE, control = tight_lmer))
    fam <- "gaussian"
  } else {
    fits <- list(default = suppressWarnings(glmer(formula, data, family = family)),
                 tight = suppressWarnings(glmer(formula, data, family = family, control = tight_glmer)))
    fam <- family$family
  }
  ll <- sapply(fits, function(f) as.numeric(logLik(f)))
  f <- fits[[which.max(ll)]]
  re <- ranef(f, condVar = TRUE)[[group]]
  pv <- attr(re, "postVar")
  vc <- as.matrix(VarCorr(f)[[group]])
  q <- ncol(re)
  labels <- rownames(re)
  condvar <- setNames(lapply(seq_along(labels), function(i) unname(matrix(pv[, , i], q))), labels)
  shrinkage <- setNames(lapply(seq_along(labels), function(i)
    setNames(as.list(1 - diag(matrix(pv[, , i], q)) / diag(vc)), colnames(re))), labels)
  res <- list(name = name, formula = paste(deparse(formula), collapse = ""), family = fam,
              trials = trials, chosen = names(fits)[which.max(ll)], loglik = as.numeric(logLik(f)),
              data = as.list(data), re_terms = I(colnames(re)), re_cov = unname(vc),
              ranef = setNames(lapply(seq_along(labels), function(i) unname(as.numeric(re[i, ]))), labels),
              condvar = condvar, shrinkage = shrinkage,
              scaled_residuals = as.list(setNames(unname(quantile(residuals(f, "pearson", scaled = TRUE))),
                                                  c("Min", "1Q", "Median", "3Q", "Max"))),
              fixef_corr = unname(cov2cor(as.matrix(vcov(f, use.hessian = FALSE)))),
              summary = capture.output(print(summary(f), correlation = TRUE)))
  write_json(res, file.path(out, paste0(name, ".json")), digits = NA, auto_unbox = TRUE)
  cat(sprintf("%-22s chosen=%-7s loglik=%.6f\n", name, res$chosen, res$loglik))
}

ss <- sleepstudy
ss$Subject <- as.character(ss$Subject)
dump("sleepstudy_intercept", Reaction ~ Days + (1 | Subject), ss, group = "Subject")
dump("sleepstudy_slope", Reaction ~ Days + (Days | Subject), ss, group = "Subject")

# The issue's example shape: score ~ hours + (1 + hours | school), unbalanced, also as a CSV.
set.seed(2111)
J <- 24; n <- sample(4:30, J, replace = TRUE); school <- rep(sprintf("s%02d", 1:J), n)
j <- as.integer(factor(school)); hours <- round(runif(sum(n), 0, 8), 2)
u0 <- rnorm(J, 0, 2.5); u1 <- rnorm(J, 0, 0.6)
scores <- data.frame(school = school, hours = hours,
                     score = round(50 + u0[j] + (2 + u1[j]) * hours + rnorm(sum(n), 0, 2.2), 2))
write.csv(scores, file.path(out, "school_slope.csv"), row.names = FALSE, quote = FALSE)
dump("school_slope", score ~ hours + (1 + hours | school), scores, group = "school")

cb <- cbpp
cb$herd <- as.character(cb$herd)
cb$period2 <- as.numeric(cb$period == "2"); cb$period3 <- as.numeric(cb$period == "3")
cb$period4 <- as.numeric(cb$period == "4")
cb <- cb[, c("herd", "incidence", "size", "period2", "period3", "period4")]
dump("cbpp_binomial", cbind(incidence, size - incidence) ~ period2 + period3 + period4 + (1 | herd),
     cb, binomial(), "size", group = "herd")

gt <- grouseticks
gt$BROOD <- as.character(gt$BROOD)
gt$Y96 <- as.numeric(gt$YEAR == "96"); gt$Y97 <- as.numeric(gt$YEAR == "97")
gt <- gt[, c("BROOD", "TICKS", "Y96", "Y97", "cHEIGHT")]
dump("grouseticks_poisson", TICKS ~ Y96 + Y97 + cHEIGHT + (1 | BROOD), gt, poisson(), group = "BROOD")

set.seed(2112)
J <- 40; n <- sample(8:30, J, replace = TRUE); g <- rep(sprintf("g%02d", 1:J), n)
x <- rnorm(sum(n)); j <- as.integer(factor(g)); u0 <- rnorm(J, 0, 1); u1 <- rnorm(J, 0, 0.6)
bern <- data.frame(g = g, x = x, y = rbinom(sum(n), 1, plogis(-0.4 + u0[j] + (0.8 + u1[j]) * x)))
dump("bernoulli_slope", y ~ x + (1 + x | g), bern, binomial(), group = "g")
