# Reference design matrices (and a few fits) for the formula tests, from R's own data sets.
# Run from the repository root:  Rscript tests/reference/model_matrix_reference.R
# Each data set is written as CSV (tests/reference/data/) and READ BACK with read.csv, so R sees
# what a lecturer's CSV gives (text columns, empty cells as NA); lme4's lFormula/glFormula then
# builds the model frame (na.omit, unused levels dropped) and the fixed-effects matrix (with its
# rank check), whose column names and values are stored. Fits use tight settings, refit from the
# default and the best log-likelihood kept (see /work/shared/ESTIMATOR-NOTES.md).
suppressPackageStartupMessages({library(lme4); library(jsonlite); library(MASS); library(nlme);
  library(glmmTMB)})
out <- "tests/reference/model_matrix"
data_dir <- "tests/reference/data"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
dir.create(data_dir, showWarnings = FALSE, recursive = TRUE)
tight_lmer <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12),
                          check.conv.singular = "ignore")
tight_glmer <- glmerControl(optimizer = "bobyqa", tolPwrss = 1e-12,
                            optCtrl = list(maxfun = 1e5, rhoend = 1e-10), check.conv.singular = "ignore")

write_data <- function(name, d) {
  path <- file.path(data_dir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE, na = "")
  read.csv(path, na.strings = c("", "NA"), check.names = FALSE)
}

datasets <- list(
  orthodont = write_data("orthodont", data.frame(distance = Orthodont$distance, age = Orthodont$age,
                                                 Subject = as.character(Orthodont$Subject),
                                                 Sex = as.character(Orthodont$Sex))),
  cbpp = write_data("cbpp", data.frame(herd = as.character(cbpp$herd), incidence = cbpp$incidence,
                                       size = cbpp$size, period = as.integer(cbpp$period))),
  sleepstudy = write_data("sleepstudy", sleepstudy),
  bacteria = write_data("bacteria", data.frame(y = as.character(bacteria$y), ap = bacteria$ap,
                                               hilo = bacteria$hilo, week = bacteria$week,
                                               ID = as.character(bacteria$ID), trt = bacteria$trt)),
  epil = write_data("epil", epil[, c("y", "trt", "base", "age", "V4", "subject", "period", "lbase", "lage")]),
  oats = write_data("oats", data.frame(B = as.character(oats$B), V = as.character(oats$V),
                                       N = as.character(oats$N), Y = oats$Y)),
  owls = write_data("owls", Owls[, c("Nest", "FoodTreatment", "SexParent", "ArrivalTime",
                                     "SiblingNegotiation", "BroodSize")]),
  airquality = write_data("airquality", airquality)
)
# Labels R collates in its own way (ICU): mixed case, accents, digits, punctuation.
set.seed(5)
labs <- c("apple", "Apple", "APPLE", "banana", "Banana", "éclair", "Eclair", "eclair", "Zürich",
          "zurich", "b2", "b10", "B1", "x y", "x-y", "x_y", "xy", "Öl", "ol", "Ol")
mixed <- data.frame(g = rep(sprintf("g%d", 1:8), each = 10), label = sample(labs, 80, TRUE),
                    x = round(rnorm(80), 3), flag = sample(c(TRUE, FALSE), 80, TRUE))
mixed$y <- round(1 + 0.5 * mixed$x + rnorm(80), 3)
datasets$mixed <- write_data("mixed", mixed)
sp <- sleepstudy; names(sp)[2] <- "days awake"
datasets$sleep_spaces <- write_data("sleep_spaces", sp)

cases <- list(
  list("orthodont_sex", "orthodont", "distance ~ age + Sex + (1 | Subject)", fit = "lmer"),
  list("orthodont_age_by_sex", "orthodont", "distance ~ age * Sex + (1 | Subject)"),
  list("orthodont_no_intercept", "orthodont", "distance ~ 0 + Sex + age + (1 | Subject)"),
  list("orthodont_scale_sqrt", "orthodont", "distance ~ scale(age) + sqrt(age) + Sex + (1 | Subject)"),
  list("orthodont_collinear", "orthodont", "distance ~ age + I(2 * age - 1) + Sex + (1 | Subject)",
       fit = "lmer"),
  list("orthodont_relevel", "orthodont", "distance ~ age + relevel(factor(Sex), ref = \"Male\") + (1 | Subject)"),
  list("cbpp_cbind", "cbpp", "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)",
       family = "binomial"),
  list("cbpp_period", "cbpp", "incidence ~ factor(period) + (1 | herd)", trials = "size",
       r_formula = "cbind(incidence, size - incidence) ~ factor(period) + (1 | herd)", family = "binomial",
       fit = "glmer"),
  list("sleepstudy_quadratic", "sleepstudy", "Reaction ~ Days + I(Days^2) + (Days | Subject)", fit = "lmer"),
  list("sleepstudy_poly", "sleepstudy", "Reaction ~ poly(Days, 3) + (1 | Subject)"),
  list("sleepstudy_log", "sleepstudy", "log(Reaction) ~ Days + I(Days > 4) + (Days | Subject)", fit = "lmer"),
  list("sleepstudy_uncorrelated", "sleepstudy", "Reaction ~ Days + (Days || Subject)", fit = "lmer"),
  list("sleepstudy_offset", "sleepstudy", "Reaction ~ Days + offset(10 * Days) + (Days | Subject)",
       fit = "lmer"),
  list("sleepstudy_two_terms", "sleepstudy", "Reaction ~ Days + (1 | Subject) + (0 + Days | Subject)",
       fit = "lmer"),
  list("sleepstudy_three_effects", "sleepstudy",
       "Reaction ~ Days + I(Days^2) + (1 + Days + I(Days^2) | Subject)", fit = "lmer"),
  list("owls_factor_slope", "owls",
       "SiblingNegotiation ~ FoodTreatment + offset(log(BroodSize)) + (1 + FoodTreatment | Nest)",
       family = "poisson", fit = "glmer"),
  list("epil_numeric_group_slope", "epil", "y ~ lbase + trt + (1 + period | subject)",
       family = "poisson", fit = "glmer"),
  list("bacteria_trt", "bacteria", "y ~ trt + week + (1 | ID)", family = "binomial", fit = "glmer"),
  list("bacteria_week_threshold", "bacteria", "y ~ trt + I(week > 2) + (1 | ID)", family = "binomial"),
  list("bacteria_interactions", "bacteria", "y ~ (ap + hilo + week)^2 + (1 | ID)", family = "binomial"),
  list("epil_lbase_by_trt", "epil", "y ~ lbase * trt + lage + V4 + (1 | subject)", family = "poisson",
       fit = "glmer"),
  list("oats_factor_by_factor", "oats", "Y ~ V * N + (1 | B)", fit = "lmer"),
  list("oats_nested_terms", "oats", "Y ~ N + N:V + (1 | B)"),
  list("owls_offset", "owls",
       "SiblingNegotiation ~ FoodTreatment * SexParent + offset(log(BroodSize)) + (1 | Nest)",
       family = "poisson", fit = "glmer"),
  list("airquality_missing", "airquality", "Ozone ~ Temp + Wind + (1 | Month)", fit = "lmer"),
  list("mixed_case_labels", "mixed", "y ~ label + x:flag + (1 | g)"),
  list("sleep_backticks", "sleep_spaces", "Reaction ~ `days awake` + (1 | Subject)")
)

columns_of <- function(X) setNames(lapply(seq_len(ncol(X)), function(j) unname(X[, j])), colnames(X))

for (case in cases) {
  name <- case[[1]]; d <- datasets[[case[[2]]]]
  # glmer refuses a text response; R users make it a factor (read.csv(stringsAsFactors = TRUE)),
  # whose first level (in R's sort order) is failure. The estimator does the same for text.
  if (is.character(d[[all.vars(as.formula(case[[3]]))[1]]])) {
    v <- all.vars(as.formula(case[[3]]))[1]; d[[v]] <- factor(d[[v]])
  }
  family <- if (is.null(case$family)) "gaussian" else case$family
  r_text <- if (is.null(case$r_formula)) case[[3]] else case$r_formula
  f <- as.formula(r_text)
  lf <- if (family == "gaussian") lFormula(f, d) else
    glFormula(f, d, family = get(family)(), control = glmerControl(check.nobs.vs.rankZ = "ignore"))
  X <- lf$X
  y <- model.response(lf$fr)
  if (is.matrix(y)) y <- y[, 1]
  if (is.factor(y)) y <- as.numeric(y != levels(y)[1])
  off <- model.offset(lf$fr)
  res <- list(name = name, csv = paste0(case[[2]], ".csv"), formula = case[[3]], r_formula = r_text,
              family = family, trials = case$trials, n_obs = nrow(X), n_dropped = nrow(d) - nrow(X),
              fixef_names = I(colnames(X)), X = columns_of(X), y = unname(as.numeric(y)),
              offset = if (is.null(off)) NULL else unname(off),
              re_names = I(unname(unlist(lf$reTrms$cnms))), group_levels = I(levels(lf$reTrms$flist[[1]])))
  if (!is.null(case$fit)) {
    fits <- if (case$fit == "lmer") {
      list(default = suppressWarnings(lmer(f, d)), tight = suppressWarnings(lmer(f, d, control = tight_lmer)))
    } else {
      fam <- get(family)()
      list(default = suppressWarnings(glmer(f, d, family = fam)),
           tight = suppressWarnings(glmer(f, d, family = fam, control = tight_glmer)))
    }
    ll <- sapply(fits, function(m) as.numeric(logLik(m)))
    m <- fits[[which.max(ll)]]
    res$fit <- list(chosen = names(fits)[which.max(ll)], default_loglik = ll[["default"]],
                    fixef = as.list(fixef(m)), se = as.list(sqrt(diag(as.matrix(vcov(m))))),
                    loglik = as.numeric(logLik(m)), theta = unname(getME(m, "theta")),
                    reml = isREML(m))
    cat(sprintf("%-26s fit %-7s loglik=%.6f default=%.6f\n", name, res$fit$chosen, res$fit$loglik,
                ll[["default"]]))
  }
  write_json(res, file.path(out, paste0(name, ".json")), digits = NA, auto_unbox = TRUE, null = "null")
  cat(sprintf("%-26s n=%d dropped=%d columns: %s\n", name, res$n_obs, res$n_dropped,
              paste(colnames(X), collapse = " ")))
}

# R's sort order of text labels (ICU collation), for estimator/collate.py.
pool <- c(labs, "a", "A", "á", "à", "â", "ä", "å", "b", "B", "ß", "ss", "æ", "ae", "ø", "o", "10", "2",
          "1a", "_x", "-x", ".x", " x", "x.1", "x1", "X1", "x10", "x2", "Æble", "Ærø", "ñu", "nu",
          "Nu", "d'Arc", "D'Arc", "a b c", "ab c", "abc", "ABC", "aBc", "zz", "ZZ", "z", "Z")
write_json(list(labels = pool, r_sorted = sort(unique(pool))), file.path(out, "collation.json"))

# Term expansion and coding rules on a small synthetic table: model.matrix's names and values.
set.seed(7)
syn <- data.frame(g = rep(sprintf("g%d", 1:6), each = 6), a = round(rnorm(36), 3),
                  b = round(runif(36, 1, 3), 3), f = sample(c("lo", "mid", "Hi"), 36, TRUE),
                  h = sample(c("u", "v"), 36, TRUE), x = round(rnorm(36), 3), y = round(rnorm(36), 3))
syn <- write_data("synthetic", syn)
rhs <- c("a:b + x + a", "b:a + a + b", "f:h", "f + f:h", "h*f", "0 + f + h", "0 + a:f",
         "(a + f + h)^2", "a*f*h - a:f:h", "f/a", "a %in% f", "poly(a, 2):f", "I(a^2):h",
         "b + b:f", "f:b", "0 + f:h", "log(a + 10) + exp(b/10)", "-1 + f", "f - 1 + h", "(f + h)^3",
         "a + I(a > 0) + I(a * b)", "a + f + a:f + h:a", "h + f:a:h", "poly(b, 2, raw = TRUE) + sqrt(b)",
         "factor(h, levels = c(\"v\", \"u\")) + relevel(factor(f), ref = \"mid\")",
         "I(f == \"lo\") + I(b > 2 & a < 0) + log(b, 2) + log10(b) + exp(-a) + abs(a)",
         "scale(b, scale = FALSE) + I(-a^2) + I((a + 1)^2/b) + a:b:x", "factor(round(b))")
terms_cases <- lapply(rhs, function(r) {
  X <- model.matrix(as.formula(paste("y ~", r)), model.frame(as.formula(paste("y ~", r)), syn))
  list(rhs = r, names = I(colnames(X)), X = columns_of(X))
})
write_json(list(csv = "synthetic.csv", cases = terms_cases), file.path(out, "terms.json"), digits = NA,
           auto_unbox = TRUE)
