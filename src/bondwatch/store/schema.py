"""DDL of the warehouse. One table per kind of fact, each row tied to its provenance record.

Units are in the column names or comments: ``*_pct`` percent (0-100), ``*_usd`` US dollars,
``*_bn`` billions, yields in percent.

Data tables declare their unique key in a comment and :meth:`bondwatch.store.Writer.upsert`
keeps it unique (delete on the key, then insert deduplicated rows) instead of a PRIMARY KEY
index: on the 250,000-row curve tables the index cost more than the rest of an import.
"""

from __future__ import annotations

TABLES: dict[str, str] = {
    # one row per imported file or API response
    "provenance": """
        CREATE TABLE IF NOT EXISTS provenance (
            id            INTEGER PRIMARY KEY,
            dataset       VARCHAR NOT NULL,   -- e.g. 'fiscaldata.auctions'
            source        VARCHAR NOT NULL,   -- publisher, e.g. 'US Treasury, FiscalData'
            location      VARCHAR NOT NULL,   -- URL or file path
            retrieved_at  TIMESTAMP NOT NULL, -- when the bytes were fetched from the publisher (UTC)
            imported_at   TIMESTAMP NOT NULL, -- when bondwatch stored them (UTC)
            vintage       VARCHAR,            -- publisher's edition: release date or last observation
            rows          INTEGER NOT NULL,
            checksum      VARCHAR NOT NULL    -- sha256 of the raw bytes
        )""",
    # one row per dataset: the bytes its stored rows come from (see bondwatch.service.update)
    "dataset_state": """
        CREATE TABLE IF NOT EXISTS dataset_state (
            dataset       VARCHAR PRIMARY KEY, -- e.g. 'fiscaldata.auctions'
            inputs_sha256 VARCHAR NOT NULL,    -- sha256 over the sha256s of its last imported files, in order
            files         INTEGER NOT NULL,    -- how many files that import had
            imported_at   TIMESTAMP NOT NULL   -- when (UTC)
        )""",
    # Treasury auction results, one row per (source, cusip, auction date); merged by priority
    "auction_results": """
        CREATE TABLE IF NOT EXISTS auction_results (
            source            VARCHAR NOT NULL,  -- 'treasurydirect' | 'fiscaldata' | 'compiled'
            cusip             VARCHAR NOT NULL,
            auction_date      DATE NOT NULL,
            kind              VARCHAR,           -- 'nominal' | 'tips' | 'frn' | 'bill' | 'cmb'
            tenor             VARCHAR,           -- auction cycle (tenors.auction_cycle): '30y', '10y-tips', '13w'
            security_type     VARCHAR,           -- 'Bill' | 'Note' | 'Bond' | 'CMB'
            security_term     VARCHAR,           -- as auctioned: '29-Year 11-Month'
            original_term     VARCHAR,           -- '30-Year'
            reopening         BOOLEAN,
            issue_date        DATE,
            maturity_date     DATE,
            offering_usd      DOUBLE,
            total_tendered_usd DOUBLE,
            total_accepted_usd DOUBLE,
            comp_accepted_usd DOUBLE,            -- competitive accepted (excl. SOMA and non-competitive)
            dealer_accepted_usd   DOUBLE,
            direct_accepted_usd   DOUBLE,
            indirect_accepted_usd DOUBLE,
            soma_accepted_usd DOUBLE,
            high_yield        DOUBLE,            -- percent; bills: investment rate
            median_yield      DOUBLE,            -- percent
            low_yield         DOUBLE,            -- percent
            bid_to_cover      DOUBLE,
            dealer_pct        DOUBLE,            -- percent of competitive accepted
            direct_pct        DOUBLE,
            indirect_pct      DOUBLE,
            provenance_id     INTEGER NOT NULL
            -- unique key (source, cusip, auction_date): kept by Writer.upsert, not by an index
        )""",
    # scorecards derived from auction_results and yield_curves; rebuilt after every import
    "auction_scorecards": """
        CREATE TABLE IF NOT EXISTS auction_scorecards (
            cusip         VARCHAR NOT NULL,
            auction_date  DATE NOT NULL,
            tenor         VARCHAR NOT NULL,
            excluded      VARCHAR,               -- reason the auction is left out of statistics
            verdict       VARCHAR,
            card          VARCHAR NOT NULL      -- the full scorecard as JSON
            -- one row per (cusip, auction_date): rebuilt whole after every import
        )""",
    # yield curves in long form: US par curve ('us_par'), JGB ('jp_mof'), ...
    "yield_curves": """
        CREATE TABLE IF NOT EXISTS yield_curves (
            curve         VARCHAR NOT NULL,
            date          DATE NOT NULL,
            tenor         VARCHAR NOT NULL,      -- label as published: '1 Mo', '30 Yr', '10Y'
            tenor_years   DOUBLE NOT NULL,
            yield_pct     DOUBLE NOT NULL,
            provenance_id INTEGER NOT NULL
            -- unique key (curve, date, tenor_years): kept by Writer.upsert, not by an index
        )""",
    # generic time series (FRED, BOJ, ...): one value per series and date
    "series": """
        CREATE TABLE IF NOT EXISTS series (
            series_id     VARCHAR NOT NULL,
            date          DATE NOT NULL,
            value         DOUBLE NOT NULL,
            provenance_id INTEGER NOT NULL
            -- unique key (series_id, date): kept by Writer.upsert, not by an index
        )""",
    "series_meta": """
        CREATE TABLE IF NOT EXISTS series_meta (
            series_id     VARCHAR NOT NULL,  -- unique key: kept by Writer.upsert, not by an index
            title         VARCHAR,
            units         VARCHAR,
            frequency     VARCHAR,
            source        VARCHAR,
            notes         VARCHAR,
            provenance_id INTEGER              -- the import that last described the series
        )""",
    # IMF World Economic Outlook, long form; one vintage per release (e.g. '2025-04')
    "weo": """
        CREATE TABLE IF NOT EXISTS weo (
            vintage       VARCHAR NOT NULL,      -- 'YYYY-MM' of the WEO release
            iso           VARCHAR NOT NULL,      -- ISO3 country code
            subject_code  VARCHAR NOT NULL,      -- WEO subject code, e.g. 'GGXWDG_NGDP'
            year          INTEGER NOT NULL,
            value         DOUBLE NOT NULL,
            units         VARCHAR,
            scale         VARCHAR,
            estimate      BOOLEAN,               -- true for IMF estimates/projections
            provenance_id INTEGER NOT NULL
            -- unique key (vintage, iso, subject_code, year): kept by Writer.upsert, not by an index
        )""",
    # TIC Major Foreign Holders of Treasury Securities, $ billions at end of month
    "tic_holdings": """
        CREATE TABLE IF NOT EXISTS tic_holdings (
            country        VARCHAR NOT NULL,     -- canonical holder name: 'Japan', 'China, Mainland', 'Grand Total'
            month          DATE NOT NULL,        -- first day of the month (holdings at its end)
            holdings_bn    DOUBLE NOT NULL,      -- $ billions, newer basis at a series break
            series_break   BOOLEAN NOT NULL,     -- a new benchmark/reporting basis starts this month
            prior_basis_bn DOUBLE,               -- the same month on the older basis, if published
            provenance_id  INTEGER NOT NULL
            -- unique key (country, month): kept by Writer.upsert, not by an index
        )""",
    # Treasury investor class allotments (nominal coupons), percent of the public allotment
    "allotments": """
        CREATE TABLE IF NOT EXISTS allotments (
            cusip                 VARCHAR NOT NULL,
            issue_date            DATE NOT NULL,  -- settlement date, not auction date
            tenor                 VARCHAR,        -- canonical original tenor: '30y'
            public_bn             DOUBLE,         -- total issue less Federal Reserve Banks, $ billions
            banks_pct             DOUBLE,         -- depository institutions
            individuals_pct       DOUBLE,
            dealers_pct           DOUBLE,         -- dealers and brokers
            pensions_insurers_pct DOUBLE,         -- pension and retirement funds and insurance companies
            investment_funds_pct  DOUBLE,
            foreign_pct           DOUBLE,         -- foreign and international
            other_pct             DOUBLE,
            source                VARCHAR NOT NULL, -- 'treasury' (official sheet) | 'compiled'
            provenance_id         INTEGER NOT NULL
            -- unique key (cusip, issue_date): kept by Writer.upsert, not by an index
        )""",
    # Bank of Japan Accounts snapshots, thousand yen
    "boj_accounts": """
        CREATE TABLE IF NOT EXISTS boj_accounts (
            as_of          DATE NOT NULL,
            side           VARCHAR NOT NULL,     -- 'assets' | 'liabilities_net_assets' | 'annex1_jgs_breakdown'
            item           VARCHAR NOT NULL,
            thousand_yen   DOUBLE NOT NULL,
            provenance_id  INTEGER NOT NULL
            -- unique key (as_of, side, item): kept by Writer.upsert, not by an index
        )""",
    # bilateral goods trade (Census), US dollars in millions, not seasonally adjusted
    "trade_goods": """
        CREATE TABLE IF NOT EXISTS trade_goods (
            partner_code  VARCHAR NOT NULL,      -- Census country code, e.g. '5880' Japan
            partner       VARCHAR NOT NULL,
            month         DATE NOT NULL,         -- first day of the month
            exports_musd  DOUBLE,
            imports_musd  DOUBLE,
            provenance_id INTEGER NOT NULL
            -- unique key (partner_code, month): kept by Writer.upsert, not by an index
        )""",
    # JGB auction results (MOF Japan), one row per (source, tenor, auction date); merged by priority
    "jgb_auction_results": """
        CREATE TABLE IF NOT EXISTS jgb_auction_results (
            source                  VARCHAR NOT NULL, -- 'mof_page' | 'mof_workbook' | 'compiled'
            auction_date            DATE NOT NULL,
            tenor                   VARCHAR NOT NULL, -- 'jgb-2y' ... 'jgb-40y'
            issue_number            INTEGER,
            offering_bn_jpy         DOUBLE,           -- billion yen
            competitive_bids_bn_jpy DOUBLE,
            accepted_bn_jpy         DOUBLE,           -- competitive bids accepted
            lowest_price            DOUBLE,           -- yen per 100 yen of face value
            lowest_price_yield      DOUBLE,           -- percent
            average_price           DOUBLE,           -- weighted average accepted price, yen per 100 yen
            average_yield           DOUBLE,           -- percent (40-year: weighted average yield)
            highest_yield           DOUBLE,           -- percent; highest accepted yield (yield-based auctions)
            bid_to_cover            DOUBLE,           -- competitive bids / bids accepted
            provenance_id           INTEGER NOT NULL
            -- unique key (source, tenor, auction_date): kept by Writer.upsert, not by an index
        )""",
    # JGB auction scorecards derived from jgb_auction_results and yield_curves; rebuilt after every import
    "jgb_auction_scorecards": """
        CREATE TABLE IF NOT EXISTS jgb_auction_scorecards (
            tenor         VARCHAR NOT NULL,
            auction_date  DATE NOT NULL,
            verdict       VARCHAR,
            card          VARCHAR NOT NULL      -- the full scorecard as JSON
            -- one row per (tenor, auction_date): rebuilt whole after every import
        )""",
    # fitted curves derived from yield_curves: one row per curve, date and model (docs/methods.md,
    # "Fitted yield curves"); refitted when a day's quotes change, filled by `bondwatch curve fit`
    "curve_fits": """
        CREATE TABLE IF NOT EXISTS curve_fits (
            curve         VARCHAR NOT NULL,      -- 'us_par' | 'jp_mof'
            date          DATE NOT NULL,
            model         VARCHAR NOT NULL,      -- 'svensson' | 'nelson_siegel' | 'spline'
            beta0         DOUBLE,                -- percent; NULL for the spline (rebuilt from the quotes)
            beta1         DOUBLE,
            beta2         DOUBLE,
            beta3         DOUBLE,                -- NULL for Nelson-Siegel
            tau1          DOUBLE,                -- years
            tau2          DOUBLE,                -- years; NULL for Nelson-Siegel
            quotes        INTEGER NOT NULL,      -- quoted maturities fitted
            rmse_bp       DOUBLE,                -- fitted minus quoted par yields, basis points
            max_error_bp  DOUBLE,                -- largest absolute error, basis points
            flags         VARCHAR NOT NULL,      -- '' or e.g. 'tau_at_bound,collinear'
            provenance_id INTEGER NOT NULL       -- the latest import among the day's quotes
            -- unique key (curve, date, model): kept by Writer.upsert, not by an index
        )""",
}
