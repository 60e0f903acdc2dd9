"""Payment providers behind one interface (see `base.PaymentProvider`).

Chosen per order by the client's channel: the mini-program pays with WeChat Pay (JSAPI),
the H5 store with Stripe cards, and in development everything may pay through the sandbox.
"""
