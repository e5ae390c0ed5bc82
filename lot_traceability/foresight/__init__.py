"""Foresight: lots that will expire before they sell (expiry), suppliers whose lots fail
(supplier_scores, and the holds at receipt they recommend: supplier_risk), movements that do not fit
(anomalies); computed daily by one job (job), stored for the reports, never acting alone."""
