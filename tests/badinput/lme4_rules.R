# What lme4 1.1-31 does on degenerate designs (groups of size 1, n <= number of random effects,
# one group, constant y, constant x), for lmer and glmer. Writes lme4_rules.json, which
# tests/badinput/test_data_checks.py compares with estimator/data_checks.py.
# Run: Rscript tests/badinput/lme4_rules.R   (from the repository root)
suppressPackageStartupMessages({library(lme4); library(jsonlite)})

make <- function(sizes, y = NULL, x = NULL, seed = 1) {
  set.seed(seed)
  g <- factor(rep(seq_along(sizes), sizes))
  n <- length(g)
  if (is.null(x)) x <- round(runif(n, 0, 10), 3)
  if (is.null(y)) y <- round(2 + 0.5 * x + rnorm(length(sizes))[g] + rnorm(n), 3)
  data.frame(g = g, x = x, y = y)
}

outcome <- function(expr) {
  msgs <- character(0); warns <- character(0)
  res <- withCallingHandlers(
    tryCatch({ force(expr); "ok" }, error = function(e) paste("error:", conditionMessage(e))),
    warning = function(w) { warns <<- c(warns, conditionMessage(w)); invokeRestart("muffleWarning") },
    message = function(m) { msgs <<- c(msgs, conditionMessage(m)); invokeRestart("muffleMessage") })
  list(result = res, warnings = warns, messages = msgs)
}

set.seed(7)
pois <- function(d) { d$y <- rpois(nrow(d), exp(0.5 + 0.1 * d$x)); d }
bern <- function(d) { d$y <- rbinom(nrow(d), 1, plogis(-1 + 0.2 * d$x)); d }
gam  <- function(d) { d$y <- rgamma(nrow(d), 5, 5 / exp(0.5 + 0.1 * d$x)); d }

cases <- list(
  list(id = "lmer_all_size1", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = rep(1, 8)),
  list(id = "lmer_size2_intercept", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = rep(2, 8)),
  list(id = "lmer_size2_slope", family = "gaussian", formula = "y ~ x + (1 + x | g)", sizes = rep(2, 8)),
  list(id = "lmer_size2_slope_uncorr", family = "gaussian", formula = "y ~ x + (1 + x || g)", sizes = rep(2, 8)),
  list(id = "lmer_size3_slope", family = "gaussian", formula = "y ~ x + (1 + x | g)", sizes = rep(3, 8)),
  list(id = "lmer_mostly_size1", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = c(rep(1, 7), 5)),
  list(id = "lmer_slope_n_below_nre", family = "gaussian", formula = "y ~ x + (1 + x | g)", sizes = c(1, 1, 1, 4)),
  list(id = "lmer_slope_n_one_above_nre", family = "gaussian", formula = "y ~ x + (1 + x | g)", sizes = c(1, 1, 1, 6)),
  list(id = "lmer_one_group", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = 10),
  list(id = "lmer_two_groups", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = c(5, 5)),
  list(id = "lmer_constant_y", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = rep(5, 4), y = "constant"),
  list(id = "lmer_constant_x", family = "gaussian", formula = "y ~ x + (1 | g)", sizes = rep(5, 4), x = "constant"),
  list(id = "lmer_constant_x_slope", family = "gaussian", formula = "y ~ x + (1 + x | g)", sizes = rep(5, 4), x = "constant"),
  list(id = "glmer_poisson_all_size1", family = "poisson", formula = "y ~ x + (1 | g)", sizes = rep(1, 30)),
  list(id = "glmer_binomial_all_size1", family = "binomial", formula = "y ~ x + (1 | g)", sizes = rep(1, 30)),
  list(id = "glmer_poisson_size1_slope", family = "poisson", formula = "y ~ x + (1 + x | g)", sizes = rep(1, 30)),
  list(id = "glmer_poisson_one_group", family = "poisson", formula = "y ~ x + (1 | g)", sizes = 20),
  list(id = "glmer_binomial_all_ones", family = "binomial", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), y = "ones"),
  list(id = "glmer_binomial_all_zeros", family = "binomial", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), y = "zeros"),
  list(id = "glmer_poisson_all_zeros", family = "poisson", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), y = "zeros"),
  list(id = "glmer_poisson_constant_y", family = "poisson", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), y = "constant"),
  list(id = "glmer_gamma_constant_y", family = "gamma", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), y = "constant"),
  list(id = "glmer_poisson_constant_x", family = "poisson", formula = "y ~ x + (1 | g)", sizes = rep(5, 6), x = "constant")
)

out <- list()
for (case in cases) {
  d <- make(case$sizes)
  if (!is.null(case$x) && case$x == "constant") d$x <- 3
  if (case$family == "poisson") d <- pois(d)
  if (case$family == "binomial") d <- bern(d)
  if (case$family == "gamma") d <- gam(d)
  if (!is.null(case$y)) d$y <- switch(case$y, constant = 4, ones = 1, zeros = 0)
  f <- as.formula(case$formula)
  o <- outcome(if (case$family == "gaussian") lmer(f, d) else
               glmer(f, d, family = switch(case$family, poisson = poisson, binomial = binomial,
                                                    gamma = Gamma(link = "log"))))
  cat(case$id, ":", o$result, "|", paste(o$warnings, collapse = " // "), "|", paste(o$messages, collapse = " // "), "\n")
  out[[length(out) + 1]] <- c(case[c("id", "family", "formula")],
                              list(y = d$y, x = d$x, g = as.integer(d$g)), o)
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/badinput/lme4_rules.json")
