# Reference values for SelfRef.Stats, computed with base R (no packages needed).
# Run from this folder:  Rscript reference.R   (writes reference.json beside it)
# Each block names the R function (or the hand-coded formula) a researcher would use.
# Tables are given as rows = outcome (row 1 self-referential, row 2 other) and
# columns = condition levels, unless said otherwise.

options(warn = 1)

# ---- a small JSON writer: jsonlite is not part of r-base-core -------------------
num <- function(x) {
  if (length(x) != 1) stop("num() takes one value")
  if (is.na(x)) return("null")                     # NaN and NA
  if (is.infinite(x)) return(if (x > 0) '"Infinity"' else '"-Infinity"')
  formatC(x, digits = 17, format = "g")
}
nums <- function(x) paste0("[", paste(vapply(x, num, ""), collapse = ","), "]")
str1 <- function(s) if (is.null(s)) "null" else paste0('"', gsub('"', '\\"', s, fixed = TRUE), '"')
mat <- function(m) paste0("[", paste(apply(m, 1, nums), collapse = ","), "]")
obj <- function(...) {
  f <- list(...)
  paste0("{", paste(sprintf('"%s":%s', names(f), unlist(f)), collapse = ","), "}")
}
arr <- function(items) paste0("[\n  ", paste(items, collapse = ",\n  "), "\n]")

# ---- proportions: Wilson, Clopper-Pearson, exact binomial test, Cohen's h ---------
prop_cases <- list(
  c(480, 500, 0.96, 0.95), c(447, 500, 0.894, 0.95), c(0, 10, 0.5, 0.95), c(10, 10, 0.5, 0.95),
  c(0, 1, 0.5, 0.95), c(1, 1, 0.5, 0.95), c(1, 1, 0.96, 0.95), c(0, 1, 0.96, 0.95),
  c(3, 20, 0.02, 0.95), c(20, 20, 0.999, 0.95), c(0, 50, 0.001, 0.95), c(49, 50, 0.999, 0.95),
  c(12, 40, 0.3, 0.95), c(38, 40, 0.894, 0.95), c(45, 50, 0.96, 0.95), c(2, 1000, 0.01, 0.95),
  c(990, 1000, 0.96, 0.95), c(250, 500, 0.5, 0.95), c(7, 13, 0.5, 0.95), c(1, 2, 0.5, 0.95),
  c(5, 10, 0.5, 0.95), c(6, 24, 0.25, 0.95), c(17, 30, 0.6, 0.95), c(29, 30, 0.894, 0.95),
  c(0, 100, 1e-4, 0.95), c(100, 100, 0.9999, 0.95), c(1, 100, 1e-4, 0.95), c(99, 100, 0.9999, 0.95),
  c(30, 60, 0.894, 0.95), c(480, 500, 0.96, 0.90), c(447, 500, 0.894, 0.99), c(0, 5, 0.2, 0.99),
  c(4, 5, 0.8, 0.80), c(2, 3, 1/3, 0.95), c(1, 3, 1/3, 0.95), c(5000, 5200, 0.96, 0.95),
  # 100,000 participants (the synthetic benchmark's pen and map tasks): p-values down to 1e-313
  c(88815, 95113, 0.96, 0.95), c(83185, 95134, 0.894, 0.95), c(95812, 100000, 0.96, 0.95)
)
props <- vapply(prop_cases, function(cs) {
  k <- cs[1]; n <- cs[2]; p0 <- cs[3]; lvl <- cs[4]
  w <- suppressWarnings(prop.test(k, n, correct = FALSE, conf.level = lvl))$conf.int
  b <- binom.test(k, n, p = p0, conf.level = lvl)
  obj(k = num(k), n = num(n), p0 = num(p0), level = num(lvl),
      wilson_low = num(w[1]), wilson_high = num(w[2]),
      cp_low = num(b$conf.int[1]), cp_high = num(b$conf.int[2]),
      binom_p = num(b$p.value),
      cohens_h = num(2 * asin(sqrt(k / n)) - 2 * asin(sqrt(p0))))   # = pwr::ES.h(k/n, p0)
}, "")

# ---- 2 x K tables: Fisher's exact test and Pearson's chi-square -------------------
tables <- list(
  matrix(c(10, 2, 3, 15), 2),
  matrix(c(5, 0, 0, 5), 2),                         # empty cells
  matrix(c(10, 0, 8, 0), 2),                        # nobody in row 2: chi-square undefined
  matrix(c(480, 20, 447, 53), 2),                   # the two Gallup results side by side
  matrix(c(8, 2, 5, 5, 2, 8), 2),                   # 3 levels
  matrix(c(10, 0, 0, 6, 3, 4), 2),                  # 3 levels, empty cells
  matrix(c(12, 3, 9, 6, 7, 8, 3, 12), 2),           # 4 levels
  matrix(c(3, 3, 3, 3, 3, 3), 2),                   # all tables tie with the observed one
  matrix(c(2, 3, 3, 1, 1, 4, 4, 0, 0, 2), 2),       # 5 levels, small counts
  matrix(c(40, 10, 35, 15, 20, 30), 2),             # 3 levels, larger
  matrix(c(1, 0, 0, 1), 2),                         # n = 2
  matrix(c(45, 5, 38, 12), 2),
  matrix(c(0, 7, 0, 9, 1, 8), 2)                    # row 1 almost empty
)
fisher_mle <- function(t) {
  # Conditional MLE of the odds ratio as in fisher.test, but with uniroot's tolerance at
  # 1e-13 instead of its default (~1e-4), so that it can serve as a reference.
  m <- sum(t[, 1]); n <- sum(t[, 2]); k <- sum(t[1, ]); x <- t[1, 1]
  lo <- max(0, k - n); hi <- min(k, m)
  support <- lo:hi
  logdc <- dhyper(support, m, n, k, log = TRUE)
  dnhyper <- function(ncp) { d <- logdc + log(ncp) * support; d <- exp(d - max(d)); d / sum(d) }
  mnhyper <- function(ncp) if (ncp == 0) lo else if (ncp == Inf) hi else sum(support * dnhyper(ncp))
  if (x == lo) return(0)
  if (x == hi) return(Inf)
  mu <- mnhyper(1)
  if (mu > x) uniroot(function(t) mnhyper(t) - x, c(0, 1), tol = 1e-13)$root
  else if (mu < x) 1 / uniroot(function(t) mnhyper(1 / t) - x, c(.Machine$double.eps, 1), tol = 1e-13)$root
  else 1
}
fishers <- vapply(tables, function(t) {
  f <- fisher.test(t)
  or <- if (ncol(t) == 2) num(fisher_mle(t)) else "null"
  or_r <- if (ncol(t) == 2) num(unname(f$estimate)) else "null"
  obj(table = mat(t), p = num(f$p.value), odds_ratio = or, odds_ratio_fisher_test = or_r)
}, "")

chisq_tables <- c(tables, list(matrix(c(20, 5, 2, 4, 15, 6, 1, 3, 12), 3)))   # a 3 x 3 table too
chisqs <- vapply(chisq_tables, function(t) {
  warned <- FALSE
  r <- withCallingHandlers(chisq.test(t, correct = FALSE),
    warning = function(w) {
      if (grepl("Chi-squared approximation may be incorrect", conditionMessage(w))) warned <<- TRUE
      invokeRestart("muffleWarning")
    })
  obj(table = mat(t), statistic = num(unname(r$statistic)), df = num(unname(r$parameter)),
      p = num(r$p.value), warning = if (warned) "true" else "false")
}, "")

# ---- difference of proportions: Newcombe's hybrid score interval (method 10) -------
# Hand-coded from Newcombe (1998) on top of prop.test's Wilson limits; this is what
# DescTools::BinomDiffCI(x1, n1, x2, n2, method = "score") returns.
newcombe <- function(k1, n1, k2, n2, lvl = 0.95) {
  w1 <- suppressWarnings(prop.test(k1, n1, correct = FALSE, conf.level = lvl))$conf.int
  w2 <- suppressWarnings(prop.test(k2, n2, correct = FALSE, conf.level = lvl))$conf.int
  p1 <- k1 / n1; p2 <- k2 / n2; d <- p1 - p2
  c(d, d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2))
}
diff_cases <- list(c(480, 500, 447, 500), c(0, 10, 0, 10), c(10, 10, 0, 10), c(0, 1, 1, 1),
                   c(5, 20, 15, 30), c(1, 1, 1, 1), c(45, 50, 40, 50), c(3, 7, 9, 11),
                   c(56, 70, 48, 72), c(20, 20, 19, 20))
diffs <- vapply(diff_cases, function(cs) {
  r <- newcombe(cs[1], cs[2], cs[3], cs[4])
  obj(k1 = num(cs[1]), n1 = num(cs[2]), k2 = num(cs[3]), n2 = num(cs[4]),
      difference = num(r[1]), low = num(r[2]), high = num(r[3]))
}, "")

# ---- latency: median and IQR (quantile type 7, R's default) -----------------------
set.seed(20240501)
samples <- list(
  c(1), c(1, 2), c(5, 1, 3), c(1, 2, 2, 2, 3, 10),
  c(812, 1034.5, 650, 650, 2210, 1480, 990, 3005.25, 650, 1200),
  c(3, 3, 3, 3), 1:10, c(0.1, 0.2, 0.3), round(rlnorm(37, log(1500), 0.6), 1),
  c(1e-3, 1e6, 42)
)
quants <- vapply(samples, function(x) {
  q <- quantile(x, c(0.25, 0.5, 0.75), type = 7, names = FALSE)
  obj(x = nums(x), q1 = num(q[1]), median = num(q[2]), q3 = num(q[3]), iqr = num(IQR(x, type = 7)))
}, "")

# ---- latency by outcome: Wilcoxon-Mann-Whitney, normal approximation ---------------
mw_cases <- list(
  list(c(1, 2, 3, 4, 5), c(6, 7, 8, 9, 10)),
  list(c(1, 2, 2, 3, 3, 3), c(2, 3, 4, 4, 5)),                               # ties across groups
  list(c(812, 1034.5, 650, 650, 2210), c(1480, 990, 3005.25, 650, 1200, 1200)),
  list(c(1), c(2, 3)),
  list(c(4, 5, 6), c(4, 5, 6)),                                              # W = nx*ny/2
  list(round(rlnorm(40, log(1200), 0.5), -2), round(rlnorm(35, log(1500), 0.5), -2)),  # many ties
  list(c(10, 20, 30, 40), c(1, 2)),
  list(round(rlnorm(300, log(900), 0.7)), round(rlnorm(120, log(2000), 0.7)))  # tiny p-value
)
mws <- vapply(mw_cases, function(cs) {
  r <- wilcox.test(cs[[1]], cs[[2]], exact = FALSE, correct = TRUE)
  obj(x = nums(cs[[1]]), y = nums(cs[[2]]), w = num(unname(r$statistic)), p = num(r$p.value))
}, "")

# ---- Cohen's kappa with the Fleiss, Cohen & Everitt (1969) standard errors ---------
# rows = coder A, columns = coder B. SE under the alternative (their eq. 13) for the
# confidence interval, SE under kappa = 0 (eq. 14) for the z test. Hand-coded: base R
# has no kappa; note that vcd::Kappa uses a different, simpler variance.
kappa_fce <- function(t, lvl = 0.95) {
  n <- sum(t); p <- t / n; r <- rowSums(p); c <- colSums(p)
  po <- sum(diag(p)); pe <- sum(r * c); k <- (po - pe) / (1 - pe)
  a <- sum(diag(p) * (1 - (r + c) * (1 - k))^2)
  b <- (1 - k)^2 * sum((p * outer(c, r, "+")^2)[row(p) != col(p)])
  cc <- (k - pe * (1 - k))^2
  se <- sqrt((a + b - cc) / n) / (1 - pe)
  se0 <- sqrt(pe + pe^2 - sum(r * c * (r + c))) / ((1 - pe) * sqrt(n))
  z <- k / se0; zc <- qnorm((1 + lvl) / 2)
  c(kappa = k, po = po, pe = pe, se = se, low = k - zc * se, high = k + zc * se, se0 = se0, z = z,
    p = 2 * pnorm(-abs(z)))
}
kappa_tables <- list(
  matrix(c(20, 3, 5, 22), 2),
  matrix(c(25, 4, 2, 3, 18, 2, 2, 1, 10), 3),
  matrix(c(10, 0, 0, 5), 2),                        # perfect agreement
  matrix(c(30, 2, 0, 8), 2),                        # an empty disagreement cell
  matrix(c(2, 9, 10, 3), 2),                        # agreement below chance
  matrix(c(12, 1, 0, 1, 2, 9, 1, 0, 0, 2, 7, 1, 1, 0, 1, 5), 4),
  matrix(c(40, 6, 4, 0), 2)                         # coder B never says "no": pe close to po
)
kappas <- vapply(kappa_tables, function(t) {
  r <- kappa_fce(t)
  obj(table = mat(t), kappa = num(r[["kappa"]]), observed = num(r[["po"]]), expected = num(r[["pe"]]),
      se = num(r[["se"]]), low = num(r[["low"]]), high = num(r[["high"]]), se0 = num(r[["se0"]]),
      z = num(r[["z"]]), p = num(r[["p"]]))
}, "")

# ---- power of the exact two-sided binomial test ------------------------------------
# p-values for every x at once, exactly as binom.test computes them (checked below).
binom_p_all <- function(n, p0) {
  d <- dbinom(0:n, n, p0); m <- n * p0; relErr <- 1 + 1e-7
  vapply(0:n, function(x) {
    dx <- d[x + 1]
    if (x == m) 1
    else if (x < m) {
      i <- seq.int(from = ceiling(m), to = n)
      y <- sum(d[i + 1] <= dx * relErr)
      min(1, pbinom(x, n, p0) + pbinom(n - y, n, p0, lower.tail = FALSE))
    } else {
      i <- seq.int(from = 0, to = floor(m))
      y <- sum(d[i + 1] <= dx * relErr)
      min(1, pbinom(y - 1, n, p0) + pbinom(x - 1, n, p0, lower.tail = FALSE))
    }
  }, 0)
}
for (chk in list(c(37, 0.96), c(50, 0.5), c(120, 0.894), c(9, 0.02)))
  stopifnot(identical(binom_p_all(chk[1], chk[2]),
                      vapply(0:chk[1], function(x) binom.test(x, chk[1], chk[2])$p.value, 0)))
power_at <- function(n, p0, p1, alpha = 0.05) sum(dbinom(0:n, n, p1)[binom_p_all(n, p0) <= alpha])
# Definition used: the smallest n whose power is >= the target (power is a saw-tooth in n).
smallest_n <- function(p0, p1, alpha = 0.05, target = 0.8, max_n = 2000) {
  for (n in 1:max_n) { pw <- power_at(n, p0, p1, alpha); if (pw >= target) return(c(n, pw)) }
  c(NA, NA)
}
power_cases <- list(c(0.96, 0.90), c(0.96, 0.86), c(0.894, 0.80), c(0.894, 0.75), c(0.5, 0.7),
                    c(0.96, 0.99), c(0.02, 0.1), c(0.999, 0.98), c(0.3, 0.1), c(0.894, 0.694))
powers <- vapply(power_cases, function(cs) {
  r <- smallest_n(cs[1], cs[2])
  obj(p0 = num(cs[1]), p1 = num(cs[2]), alpha = num(0.05), target = num(0.8),
      n = num(r[1]), power = num(r[2]), power_before = num(power_at(r[1] - 1, cs[1], cs[2])))
}, "")
power_points <- vapply(list(c(1, 0.5, 0.9), c(10, 0.96, 0.5), c(100, 0.894, 0.8), c(500, 0.96, 0.94),
                            c(137, 0.96, 0.9), c(25, 0.02, 0.2)), function(cs) {
  obj(n = num(cs[1]), p0 = num(cs[2]), p1 = num(cs[3]), power = num(power_at(cs[1], cs[2], cs[3])))
}, "")

# ---- Fisher's exact test at 100,000 participants ------------------------------------
# Tables of the size the synthetic benchmark gives (tests/SelfRef.Benchmarks, `outcomes`).
# fisher.test's network algorithm stops on 2 x 3 tables of this size with its default
# workspace ("FEXACT error 6") and needs workspace = 2e8; it also merges partial sums that
# agree within its TOL of 3.45e-7 (fexact.c), so here it matches the complete sum only to
# about 1e-6. The tight reference is the complete sum itself, hand-coded with lchoose and
# vectorised over the second column (every one of the 2e7 and 7e7 tables is summed).
fisher_complete_2x3 <- function(t) {
  x <- t[1, ]; cs <- colSums(t); r <- sum(x); relErr <- 1 + 1e-7
  obs <- sum(lchoose(cs, x))
  total <- 0; at_most <- 0
  for (x1 in max(0, r - cs[2] - cs[3]):min(cs[1], r)) {
    left <- r - x1
    x2 <- max(0, left - cs[3]):min(cs[2], left)
    lw <- lchoose(cs[1], x1) + lchoose(cs[2], x2) + lchoose(cs[3], left - x2)
    w <- exp(lw - obs)
    total <- total + sum(w)
    at_most <- at_most + sum(w[lw <= obs + log(relErr)])
  }
  at_most / total
}
large_tables <- list(
  matrix(c(29263, 2391, 29542, 2179, 30010, 1728), 2),   # pen task by 3 conditions: p ~ 5e-27
  matrix(c(27836, 3897, 27723, 3984, 27626, 4068), 2),   # map task by 3 conditions: p ~ 0.11
  matrix(c(45000, 5000, 44000, 6000), 2)                 # 2 x 2: fisher.test is exact (dhyper) at any size
)
fisher_large <- vapply(large_tables, function(t) {
  fexact <- fisher.test(t, workspace = 2e8)$p.value
  complete <- if (ncol(t) == 2) fexact else fisher_complete_2x3(t)
  obj(table = mat(t), p_complete = num(complete), p_fisher_test = num(fexact))
}, "")

# ---- Fisher's test by simulation, fisher.test(simulate.p.value = TRUE) ----------------
# The Monte Carlo p-value is random: R's draws come from R's generator, so a C# estimate
# can only agree within simulation error. Each case records the exact p where fisher.test
# can compute it (null where it cannot even with workspace = 2e8) and R's estimate with
# set.seed(1) and B = 2000.
sim_tables <- list(
  matrix(c(8, 2, 5, 5, 2, 8), 2),                                     # small 2 x 3
  matrix(c(400, 100, 410, 90, 380, 120, 395, 105), 2),                # 2 x 4, n = 2000
  matrix(c(8000, 2000, 8100, 1900, 8200, 1800, 8050, 1950), 2),       # 2 x 4, n = 40000: too large to sum
  matrix(c(16000, 16000, 16500, 16000, 17000, 16000), 2)              # 2 x 3, n = 97500: FEXACT error 501
)
fisher_sim <- vapply(sim_tables, function(t) {
  exact <- tryCatch(fisher.test(t, workspace = 2e8)$p.value, error = function(e) NA)
  set.seed(1)
  sim <- fisher.test(t, simulate.p.value = TRUE, B = 2000)$p.value
  obj(table = mat(t), p_exact = num(exact), p_simulated = num(sim), replicates = num(2000))
}, "")

# ---- Fisher's exact test beyond 2 x K of modest size ---------------------------------
# r x c tables, 2 x K tables up to K = 10 and 100,000 participants, empty rows and columns.
# The tables are listed in fisher_cases.txt, shared with fisher_exact.py, which computes
# their exact p-values independently (integer arithmetic or 50-digit weights). fisher.test's
# network algorithm merges partial sums within its TOL of 3.45e-7 (fexact.c), so on large
# tables it can drift from the exact p in the 7th or 8th digit; where it gives up (FEXACT
# errors even with workspace = 2e8) p is null and the error is kept.
read_fisher_cases <- function(path) {
  lines <- trimws(readLines(path))
  lines <- lines[nchar(lines) > 0 & !startsWith(lines, "#")]
  lapply(lines, function(l) {
    parts <- trimws(strsplit(l, "|", fixed = TRUE)[[1]])
    rows <- lapply(strsplit(trimws(strsplit(parts[2], "/", fixed = TRUE)[[1]]), " +"), as.numeric)
    list(label = parts[1], table = do.call(rbind, rows))
  })
}
fisher_cases <- vapply(read_fisher_cases("fisher_cases.txt"), function(cs) {
  err <- NULL
  seconds <- system.time(p <- tryCatch(fisher.test(cs$table, workspace = 2e8)$p.value,
                                       error = function(e) { err <<- gsub("\\s+", " ", conditionMessage(e)); NA }))[["elapsed"]]
  cat(cs$label, ": ", format(p, digits = 17), " (", seconds, " s)\n", sep = "")
  obj(label = str1(cs$label), table = mat(cs$table), p_fisher_test = num(p), error = str1(err))
}, "")

# ---- Poisson-binomial: the test against each participant's chance ---------------------
# With equal chances p the Poisson-binomial is the binomial, so its test is binom.test
# (two-sided, and alternative = "greater") and its mass dbinom. With two groups of chances
# (the name-letter task: 1 or 2 distinct initials among the letters shown) the count is the
# sum of two binomials, so its mass is the convolution of two dbinom vectors (summed by R in
# long double) and its upper tail sum_j dbinom(j, n1, a) * pbinom(k - j - 1, n2, b, FALSE):
# an independent check at 100,000 participants, far tails included. Unequal chances in
# general are checked against full enumeration in poisson_binomial.py.
pb_equal_cases <- list(
  list(n = 1, p = 0.3, k = c(0, 1)),
  list(n = 10, p = 0.5, k = 0:10),
  list(n = 26, p = 1/26, k = c(0, 1, 2, 3, 5, 10, 26)),
  list(n = 40, p = 0.05, k = c(0, 1, 2, 4, 8, 15, 40)),
  list(n = 500, p = 2/26, k = c(0, 10, 25, 38, 39, 50, 60, 80, 150, 500)),
  list(n = 100000, p = 1/26, k = c(2500, 3000, 3500, 3846, 3900, 4200, 4600, 5000, 5500))
)
pb_equal <- vapply(pb_equal_cases, function(cs) {
  two <- vapply(cs$k, function(k) binom.test(k, cs$n, cs$p)$p.value, 0)
  greater <- vapply(cs$k, function(k) binom.test(k, cs$n, cs$p, alternative = "greater")$p.value, 0)
  obj(n = num(cs$n), p = num(cs$p), k = nums(cs$k), dbinom = nums(dbinom(cs$k, cs$n, cs$p)),
      p_greater = nums(greater), p_two_sided = nums(two))
}, "")
pb_two_group_cases <- list(
  list(n1 = 50000, a = 1/26, n2 = 50000, b = 2/26, k = c(3000, 4000, 5000, 5600, 5769, 5800, 6000, 6500, 7500, 8500)),
  list(n1 = 30000, a = 0.05, n2 = 70000, b = 0.15, k = c(8000, 10000, 11000, 12000, 12250, 12500, 13000, 14000, 16000, 18000))
)
pb_two_groups <- vapply(pb_two_group_cases, function(cs) {
  j <- 0:cs$n1
  dj <- dbinom(j, cs$n1, cs$a)
  pmf <- vapply(cs$k, function(k) sum(dj * dbinom(k - j, cs$n2, cs$b)), 0)
  upper <- vapply(cs$k, function(k) sum(dj * pbinom(k - j - 1, cs$n2, cs$b, lower.tail = FALSE)), 0)
  obj(n1 = num(cs$n1), a = num(cs$a), n2 = num(cs$n2), b = num(cs$b), k = nums(cs$k),
      pmf = nums(pmf), p_greater = nums(upper))
}, "")

out <- paste0("{\n",
  '"generated_by": ', str1(paste("reference.R with", R.version.string)), ",\n",
  '"proportion": ', arr(props), ",\n",
  '"fisher": ', arr(fishers), ",\n",
  '"chisq": ', arr(chisqs), ",\n",
  '"newcombe": ', arr(diffs), ",\n",
  '"quantile": ', arr(quants), ",\n",
  '"mann_whitney": ', arr(mws), ",\n",
  '"kappa": ', arr(kappas), ",\n",
  '"power": ', arr(powers), ",\n",
  '"power_at": ', arr(power_points), ",\n",
  '"fisher_large": ', arr(fisher_large), ",\n",
  '"fisher_simulated": ', arr(fisher_sim), ",\n",
  '"fisher_cases": ', arr(fisher_cases), ",\n",
  '"poisson_binomial_equal": ', arr(pb_equal), ",\n",
  '"poisson_binomial_two_groups": ', arr(pb_two_groups), "\n}\n")
writeLines(out, "reference.json")
cat("wrote reference.json:", length(props), "proportion,", length(fishers), "fisher,", length(chisqs), "chisq,",
    length(diffs), "newcombe,", length(quants), "quantile,", length(mws), "mann-whitney,",
    length(kappas), "kappa,", length(powers) + length(power_points), "power,",
    length(fisher_large), "large Fisher,", length(fisher_sim), "simulated Fisher,", length(fisher_cases), "Fisher cases from fisher_cases.txt,",
    length(pb_equal) + length(pb_two_groups), "Poisson-binomial\n")
