from asb import create_app

app = create_app()
