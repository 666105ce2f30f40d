# Reference fits for the GLMM tests: lme4's glmer at its true optimum (glmmTMB for Gamma).
# Run from the repository root:  Rscript tests/reference/glmm_reference.R
# Every glmer case is refitted with tight settings (tolPwrss = 1e-12, bobyqa with a small final
# trust radius) and cross-checked with glmmTMB; the best log-likelihood is stored, with which fit
# produced it. Factor predictors are exported as numeric dummy columns.
suppressPackageStartupMessages({library(lme4); library(glmmTMB); library(jsonlite)})
out <- "tests/reference/glmm"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
tight <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12,
                      optCtrl = list(maxfun = 1e5, rhoend = 1e-10), check.conv.singular = "ignore")

stitch <- function(f) {
  re <- ranef(f, condVar = TRUE)[[1]]
  pv <- attr(re, "postVar")
  q <- ncol(re)
  list(ranef = setNames(lapply(seq_len(nrow(re)), function(i) unname(as.numeric(re[i, ]))), rownames(re)),
       condvar = setNames(lapply(seq_len(nrow(re)), function(i) unname(matrix(pv[, , i], q))), rownames(re)))
}

dump_glmer <- function(name, formula, data, family, nAGQ = 1, trials = NULL, tmb_formula = NULL) {
  if (is.function(family)) family <- family()
  default <- suppressWarnings(glmer(formula, data, family = family, nAGQ = nAGQ))
  refit <- suppressWarnings(glmer(formula, data, family = family, nAGQ = nAGQ, control = tight))
  fits <- list(default = default, tight = refit)
  ll <- sapply(fits, function(f) as.numeric(logLik(f)))
  f <- fits[[which.max(ll)]]
  tmb_ll <- NA
  if (nAGQ == 1 && !is.null(tmb_formula)) {
    tmb <- glmmTMB(tmb_formula, data, family = family)
    tmb_ll <- as.numeric(logLik(tmb))
  }
  re <- stitch(f)
  # lme4's nAGQ > 1 logLik leaves out the saturated model's log-likelihood (it sums deviance
  # residuals); store that constant so the tests can compare full log-likelihoods.
  yy <- getME(f, "y"); ww <- weights(f)
  saturated <- if (family$family == "poisson") sum(dpois(yy, yy, log = TRUE)) else
    sum(dbinom(round(yy * ww), ww, yy, log = TRUE))
  res <- list(name = name, formula = paste(deparse(formula), collapse = ""),
              loglik_saturated = saturated, family = family$family, nagq = nAGQ,
              trials = trials, chosen = names(fits)[which.max(ll)], default_loglik = ll[["default"]],
              glmmtmb_loglik = tmb_ll, data = as.list(data),
              fixef = as.list(fixef(f)),
              se_rx = as.list(sqrt(diag(as.matrix(vcov(f, use.hessian = FALSE))))),
              se_hessian = as.list(sqrt(diag(as.matrix(vcov(f))))),
              re_cov = unname(as.matrix(VarCorr(f)[[1]])), theta = unname(getME(f, "theta")),
              loglik = as.numeric(logLik(f)), aic = AIC(f), bic = BIC(f), singular = isSingular(f),
              ranef = re$ranef, condvar = re$condvar)
  write_json(res, file.path(out, paste0(name, ".json")), digits = NA, auto_unbox = TRUE)
  cat(sprintf("%-24s chosen=%-7s loglik=%.6f default=%.6f glmmTMB=%.6f\n", name, res$chosen,
              res$loglik, res$default_loglik, tmb_ll))
}

cb <- cbpp
cb$herd <- as.character(cb$herd)
cb$period2 <- as.numeric(cb$period == "2"); cb$period3 <- as.numeric(cb$period == "3")
cb$period4 <- as.numeric(cb$period == "4")
cb <- cb[, c("herd", "incidence", "size", "period2", "period3", "period4")]
f_cb <- cbind(incidence, size - incidence) ~ period2 + period3 + period4 + (1 | herd)
dump_glmer("cbpp_laplace", f_cb, cb, binomial, 1, "size", f_cb)
dump_glmer("cbpp_agq25", f_cb, cb, binomial, 25, "size")

gt <- grouseticks
gt$BROOD <- as.character(gt$BROOD)
gt$Y96 <- as.numeric(gt$YEAR == "96"); gt$Y97 <- as.numeric(gt$YEAR == "97")
gt <- gt[, c("BROOD", "TICKS", "Y96", "Y97", "cHEIGHT")]
f_gt <- TICKS ~ Y96 + Y97 + cHEIGHT + (1 | BROOD)
dump_glmer("grouseticks_laplace", f_gt, gt, poisson, 1, NULL, f_gt)
dump_glmer("grouseticks_agq25", f_gt, gt, poisson, 25)

set.seed(11)
J <- 30; n <- sample(5:25, J, replace = TRUE); g <- rep(sprintf("g%02d", 1:J), n)
x <- runif(sum(n), 0, 4); u <- rnorm(J, 0, 0.6)[as.integer(factor(g))]
pois <- data.frame(g = g, x = x, y = rpois(sum(n), exp(0.3 + 0.25 * x + u)))
dump_glmer("poisson_sim", y ~ x + (1 | g), pois, poisson, 1, NULL, y ~ x + (1 | g))
dump_glmer("poisson_sim_agq25", y ~ x + (1 | g), pois, poisson, 25)

set.seed(12)
J <- 40; n <- sample(8:30, J, replace = TRUE); g <- rep(sprintf("g%02d", 1:J), n)
x <- rnorm(sum(n)); j <- as.integer(factor(g)); u0 <- rnorm(J, 0, 1); u1 <- rnorm(J, 0, 0.5)
bern <- data.frame(g = g, x = x, y = rbinom(sum(n), 1, plogis(-0.5 + u0[j] + (0.8 + u1[j]) * x)))
dump_glmer("bernoulli_intercept", y ~ x + (1 | g), bern, binomial, 1, NULL, y ~ x + (1 | g))
dump_glmer("bernoulli_intercept_agq25", y ~ x + (1 | g), bern, binomial, 25)
dump_glmer("bernoulli_slope", y ~ x + (1 + x | g), bern, binomial, 1, NULL, y ~ x + (1 + x | g))

set.seed(13)
J <- 25; n <- sample(6:20, J, replace = TRUE); g <- rep(sprintf("g%02d", 1:J), n)
x <- runif(sum(n), 0, 5); u <- rnorm(J, 0, 0.4)[as.integer(factor(g))]
mu <- exp(1 + 0.15 * x + u)
gam <- data.frame(g = g, x = x, y = rgamma(sum(n), shape = 4, scale = mu / 4))
tmb <- glmmTMB(y ~ x + (1 | g), gam, family = Gamma(link = "log"))
re <- ranef(tmb, condVar = TRUE)$cond$g
cv <- attr(re, "condVar")
res <- list(name = "gamma_sim", formula = "y ~ x + (1 | g)", family = "gamma", nagq = 1, trials = NULL,
            chosen = "glmmTMB", data = as.list(gam), fixef = as.list(fixef(tmb)$cond),
            se_rx = as.list(sqrt(diag(vcov(tmb)$cond))), se_hessian = as.list(sqrt(diag(vcov(tmb)$cond))),
            re_cov = unname(as.matrix(VarCorr(tmb)$cond$g)), sigma = sigma(tmb),
            loglik = as.numeric(logLik(tmb)), aic = AIC(tmb), bic = BIC(tmb), singular = FALSE,
            ranef = setNames(lapply(seq_len(nrow(re)), function(i) unname(as.numeric(re[i, ]))), rownames(re)),
            condvar = setNames(lapply(seq_len(nrow(re)), function(i) unname(matrix(cv[, , i], 1))), rownames(re)))
write_json(res, file.path(out, "gamma_sim.json"), digits = NA, auto_unbox = TRUE)
cat(sprintf("%-24s glmmTMB loglik=%.6f sigma=%.6f\n", "gamma_sim", res$loglik, res$sigma))
