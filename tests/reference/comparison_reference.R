# Reference model comparison for the tests: complete pooling, no pooling and the mixed model
# (maximum likelihood) side by side -- log-likelihood, parameter count, AIC, BIC -- and the
# likelihood-ratio test of the random-effect variance with its boundary mixture.
# Run from the repository root:  Rscript tests/reference/comparison_reference.R
#   complete pooling = glm(fixed part)            (lm for Gaussian; glmmTMB for Gamma: ML shape)
#   no pooling       = glm(fixed part + factor(g) [+ factor(g):slope])   (every random column per group)
#   mixed            = lmer(REML = FALSE) / glmer (Laplace), tight settings; glmmTMB for Gamma
#   LRT              = 2 (logLik(mixed) - logLik(null)): null = complete pooling for a random
#                      intercept (p = 0.5 P(chi2_1 > T)); null = the random-intercept model for a
#                      correlated random slope (p = 0.5 P(chi2_1 > T) + 0.5 P(chi2_2 > T)) or an
#                      uncorrelated one (0.5 P(chi2_1 > T)).
suppressPackageStartupMessages({library(lme4); library(glmmTMB); library(jsonlite)})
data_dir <- "tests/reference/data"
out <- "tests/reference/comparison"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
tight_lmer <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-10),
                          check.conv.singular = "ignore")
tight_glmer <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12,
                            optCtrl = list(maxfun = 1e5, rhoend = 1e-10), check.conv.singular = "ignore")

row_of <- function(m) {
  ll <- logLik(m)
  # converged: FALSE where glm stopped short of the supremum (a group whose own estimate runs off
  # to infinity: all-zero counts, all-0/all-1 outcomes); the tests then ask for at least R's loglik
  ok <- if (inherits(m, "glm")) m$converged else TRUE
  list(loglik = as.numeric(ll), n_params = attr(ll, "df"), aic = AIC(m), bic = BIC(m), converged = ok)
}

mixed_fit <- function(formula, data, family) {
  if (family == "gaussian") return(lmer(formula, data, REML = FALSE, control = tight_lmer))
  if (family == "gamma") return(glmmTMB(formula, data, family = Gamma(link = "log")))
  fam <- if (family == "poisson") poisson else binomial
  suppressWarnings(glmer(formula, data, family = fam, control = tight_glmer))
}

flat_fit <- function(formula, data, family) {
  if (family == "gaussian") return(lm(formula, data))
  if (family == "gamma") return(glmmTMB(formula, data, family = Gamma(link = "log")))
  glm(formula, data, family = if (family == "poisson") poisson else binomial)
}

dump <- function(name, csv, ours, lhs, fixed, random, group, family = "gaussian", trials = NULL,
                 slope = NULL, uncorrelated = FALSE, prepare = identity) {
  data <- prepare(read.csv(file.path(data_dir, csv), check.names = FALSE))
  data[[group]] <- factor(data[[group]])
  f <- function(rhs) as.formula(paste(lhs, "~", rhs))
  mixed <- mixed_fit(f(paste(fixed, "+", random)), data, family)
  complete <- flat_fit(f(fixed), data, family)
  np_rhs <- paste(fixed, "+", group, if (!is.null(slope)) paste0("+ ", group, ":", slope) else "")
  no_pool <- flat_fit(f(np_rhs), data, family)
  res <- list(name = name, csv = csv, formula = ours$formula, family = family, trials = trials,
              complete = row_of(complete), no_pooling = row_of(no_pool), mixed = row_of(mixed))
  stat <- max(0, 2 * (res$mixed$loglik - res$complete$loglik))
  if (is.null(slope)) {
    res$lrt <- list(null = "complete", statistic = stat, df = I(c(0, 1)),
                    p_value = 0.5 * pchisq(stat, 1, lower.tail = FALSE))
  } else {
    null <- mixed_fit(f(paste(fixed, "+ (1 |", group, ")")), data, family)
    res$random_intercept <- row_of(null)
    stat <- max(0, 2 * (res$mixed$loglik - as.numeric(logLik(null))))
    p <- if (uncorrelated) 0.5 * pchisq(stat, 1, lower.tail = FALSE) else
      0.5 * pchisq(stat, 1, lower.tail = FALSE) + 0.5 * pchisq(stat, 2, lower.tail = FALSE)
    res$lrt <- list(null = "random_intercept", statistic = stat,
                    df = if (uncorrelated) I(c(0, 1)) else I(c(1, 2)), p_value = p)
  }
  write_json(res, file.path(out, paste0(name, ".json")), digits = NA, auto_unbox = TRUE)
  cat(sprintf("%-22s mixed=%.4f complete=%.4f no_pool=%.4f p=%.4g\n", name, res$mixed$loglik,
              res$complete$loglik, res$no_pooling$loglik, res$lrt$p_value))
}

dump("sleepstudy_intercept", "sleepstudy.csv", list(formula = "Reaction ~ Days + (1 | Subject)"),
     "Reaction", "Days", "(1 | Subject)", "Subject")
dump("sleepstudy_slope", "sleepstudy.csv", list(formula = "Reaction ~ Days + (Days | Subject)"),
     "Reaction", "Days", "(Days | Subject)", "Subject", slope = "Days")
dump("sleepstudy_uncorrelated", "sleepstudy.csv", list(formula = "Reaction ~ Days + (Days || Subject)"),
     "Reaction", "Days", "(Days || Subject)", "Subject", slope = "Days", uncorrelated = TRUE)
dump("orthodont_factor", "orthodont.csv", list(formula = "distance ~ age + Sex + (1 | Subject)"),
     "distance", "age + Sex", "(1 | Subject)", "Subject")
dump("cbpp_binomial", "cbpp.csv", list(formula = "incidence ~ factor(period) + (1 | herd)"),
     "cbind(incidence, size - incidence)", "factor(period)", "(1 | herd)", "herd",
     family = "binomial", trials = "size")
dump("bacteria_bernoulli", "bacteria.csv", list(formula = "y ~ trt + I(week > 2) + (1 | ID)"),
     "y", "trt + I(week > 2)", "(1 | ID)", "ID", family = "binomial",
     prepare = function(d) { d$y <- factor(d$y); d })
dump("epil_poisson", "epil.csv", list(formula = "y ~ lbase * trt + lage + V4 + (1 | subject)"),
     "y", "lbase * trt + lage + V4", "(1 | subject)", "subject", family = "poisson")
dump("gamma_sim", "gamma_sim.csv", list(formula = "y ~ x + (1 | group)"),
     "y", "x", "(1 | group)", "group", family = "gamma")
