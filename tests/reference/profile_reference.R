# Reference profiled criteria for estimator/profile.py: lme4's devfun(theta) from
# lmer(..., devFunOnly = TRUE) at a few theta values (the REML criterion, or the ML deviance).
# Run from the repository root:  Rscript tests/reference/profile_reference.R
suppressPackageStartupMessages({library(lme4); library(jsonlite)})
out <- "tests/reference/profile"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
ss <- sleepstudy
ss$Subject <- as.character(ss$Subject)
case <- function(formula, REML, thetas) {
  devfun <- lmer(formula, ss, REML = REML, devFunOnly = TRUE)
  list(formula = paste(deparse(formula), collapse = ""), method = if (REML) "reml" else "ml",
       thetas = thetas, values = sapply(thetas, function(t) devfun(t)))
}
res <- list(
  data = list(Reaction = ss$Reaction, Days = ss$Days, Subject = ss$Subject),
  cases = list(
    case(Reaction ~ Days + (1 | Subject), TRUE, list(0, 0.25, 0.5, 1, 2)),
    case(Reaction ~ Days + (1 | Subject), FALSE, list(0, 0.5, 1.5)),
    case(Reaction ~ Days + (Days | Subject), TRUE, list(c(1, 0, 1), c(0.97, 0.015, 0.23), c(0.5, -0.1, 0.3))),
    case(Reaction ~ Days + (Days || Subject), TRUE, list(c(1, 1), c(0.9, 0.2)))))
write_json(res, file.path(out, "sleepstudy_devfun.json"), digits = NA, auto_unbox = TRUE)
cat("wrote", file.path(out, "sleepstudy_devfun.json"), "\n")
